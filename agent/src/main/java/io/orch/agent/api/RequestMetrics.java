package io.orch.agent.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/** The {@code orch_api_request_seconds} timer, tagged by method, route template and status. */
final class RequestMetrics {
    static final String NAME = "orch.api.request";
    /** The route tag of requests that matched no route, so junk paths cannot explode the tag set. */
    static final String UNMATCHED = "unmatched";

    private final MeterRegistry registry;

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String method, String route, int status, long nanos) {
        Timer.builder(NAME)
                .description("Time to answer an API request")
                .tag("method", method)
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
