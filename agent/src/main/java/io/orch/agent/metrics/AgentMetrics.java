package io.orch.agent.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.raft.store.ClusterStore;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The agent's Prometheus registry (scraped at GET /metrics) and the store-derived meters: tasks
 * by state and Raft commit latency. API latency and reconcile durations are recorded where they
 * happen (the API handler and each control loop).
 */
public final class AgentMetrics {
    private static final Duration COUNT_CACHE = Duration.ofMillis(500);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private volatile Map<TaskState, Long> counts = Map.of();
    private volatile long countedAt;

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Registers the meters that read the store. */
    public void bind(ClusterStore store) {
        for (TaskState state : TaskState.values()) {
            if (state == TaskState.UNRECOGNIZED) {
                continue;
            }
            Gauge.builder("orch.tasks", () -> taskCounts(store).getOrDefault(state, 0L))
                    .tag("state", DockerJson.dockerValue(state.getValueDescriptor()))
                    .description("tasks in the cluster store by current state")
                    .register(registry);
        }
        Timer commit = Timer.builder("orch.raft.commit")
                .description("time from proposing a store transaction to having it committed and applied")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        store.onCommitLatency(nanos -> commit.record(Duration.ofNanos(nanos)));
    }

    /** One pass over the tasks serves all state gauges of a scrape. */
    private Map<TaskState, Long> taskCounts(ClusterStore store) {
        long now = System.nanoTime();
        if (now - countedAt > COUNT_CACHE.toNanos()) {
            Map<TaskState, Long> fresh = new EnumMap<>(TaskState.class);
            store.read(r -> {
                for (Task t : r.tasks()) {
                    fresh.merge(t.getStatus().getState(), 1L, Long::sum);
                }
                return null;
            });
            counts = fresh;
            countedAt = now;
        }
        return counts;
    }
}
