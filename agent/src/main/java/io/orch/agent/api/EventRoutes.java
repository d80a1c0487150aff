package io.orch.agent.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.agent.events.EventFilter;
import io.orch.agent.events.EventLog;
import io.orch.api.model.EventTimes;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /events}: the manager's swarm events ({@link EventStream}), filtered by the
 * {@code filters} query parameter ({@link EventFilter}) and bounded by {@code since} and
 * {@code until} (every form {@link EventTimes} reads). Served by managers, from their own
 * {@link EventLog}; a node without one answers 501.
 */
final class EventRoutes {
    private final ApiContext context;

    EventRoutes(ApiContext context) {
        this.context = context;
    }

    void register(Router router) {
        router.get("/events", this::events);
    }

    ApiResponse events(ApiRequest request) throws ApiException {
        EventLog log = context.services().eventLog().orElseThrow(() ->
                new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "this node keeps no event log"));
        Instant now = context.clock().instant();
        Instant since = time(request, "since", now);
        Instant until = time(request, "until", now);
        if (since != null && until != null && until.isBefore(since)) {
            throw ApiException.badRequest("`since` time (" + request.query("since").orElse("") + ") cannot be after `until` time ("
                    + request.query("until").orElse("") + ")");
        }
        EventFilter filter = filter(DockerFilters.parse(request.query("filters")));
        if (request.method().equals(io.netty.handler.codec.http.HttpMethod.HEAD)) {
            return ApiResponse.empty(HttpResponseStatus.OK); // a head only: nothing to listen for
        }
        // subscribed before the head goes out: a client that has read it misses no later change
        return ApiResponse.streaming(HttpResponseStatus.OK, ApiResponse.JSON,
                EventStream.open(log, filter, since, until, context.clock()));
    }

    /** Docker reads 0 (the CLI's "no bound") as none; every other form through {@link EventTimes}. */
    private static Instant time(ApiRequest request, String field, Instant now) throws ApiException {
        String raw = request.query(field).orElse("");
        try {
            Instant t = EventTimes.parse(raw, now, ZoneId.systemDefault());
            return t == null || t.equals(Instant.EPOCH) ? null : t;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid " + field + ": " + e.getMessage());
        }
    }

    private static EventFilter filter(DockerFilters filters) throws ApiException {
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (String key : filters.keys()) {
            values.put(key, filters.get(key));
        }
        try {
            return EventFilter.of(values);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
