package io.orch.agent.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/** The {@code orch_api_request_seconds} timer, tagged by method, route template and status. */
final class RequestMetrics {
    static final String NAME = "orch.api.request";
    /** The route tag of requests that matched no route, so junk paths cannot explode the tag set. */
    static final String UNMATCHED = "unmatched";

    private final java.util.function.Supplier<? extends MeterRegistry> registry;

    RequestMetrics(MeterRegistry registry) {
        this(() -> registry);
    }

    /** Records into the registry {@code current} names at each request (a listener that outlives a role). */
    RequestMetrics(java.util.function.Supplier<? extends MeterRegistry> current) {
        this.registry = current;
    }

    void record(String method, String route, int status, long nanos) {
        Timer.builder(NAME)
                .description("Time to answer an API request")
                .tag("method", method)
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .register(registry.get())
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
