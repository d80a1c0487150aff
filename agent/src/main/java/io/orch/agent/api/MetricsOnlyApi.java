package io.orch.agent.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.function.Supplier;

/**
 * The routes of the {@code --metrics-addr} listener: {@code GET /metrics} and nothing else, so
 * Prometheus can scrape a node without access to its API. It exposes no control, so it may
 * listen on any address ({@link ApiServer#controlFree}); what it shows (service, task and node
 * names in labels) is for whoever can reach it.
 */
public final class MetricsOnlyApi {
    /** The Prometheus text exposition format Micrometer writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsOnlyApi() {}

    /** @param current the registry of the node as it is now (it changes when the node joins or leaves a swarm) */
    public static ApiHandler handler(Supplier<PrometheusMeterRegistry> current, String orchVersion) {
        Router router = new Router();
        router.get("/metrics", r -> ApiResponse.text(HttpResponseStatus.OK, CONTENT_TYPE, current.get().scrape()));
        return new ApiHandler(router, new RequestMetrics(current), "orch/" + orchVersion);
    }
}
