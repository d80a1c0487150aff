package io.orch.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orch.agent.dispatch.DispatcherClient;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker-only node's dispatcher session: {@code orch_dispatcher_session_connected} (1 while a
 * manager answers) and {@code orch_dispatcher_session_restarts_total} (sessions established after
 * the first). Registered when the first session client is bound: a manager has no session.
 */
final class DispatcherMeters implements DispatcherClient.Listener {
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicBoolean everConnected = new AtomicBoolean();
    private final Counter restarts;

    DispatcherMeters(MeterRegistry registry) {
        Gauge.builder("orch.dispatcher.session.connected", connected, AtomicInteger::get).strongReference(true)
                .description("1 while this worker's dispatcher session has a manager answering, else 0")
                .register(registry);
        restarts = Counter.builder("orch.dispatcher.session.restarts")
                .description("dispatcher sessions this worker established after its first (a lost manager, a failover)")
                .register(registry);
    }

    @Override
    public void connected(boolean now) {
        connected.set(now ? 1 : 0);
        if (now && everConnected.getAndSet(true)) {
            restarts.increment();
        }
    }
}
