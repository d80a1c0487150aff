package io.orch.agent.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.raft.store.ClusterStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's Prometheus registry (scraped at GET /metrics) and the store-derived meters: tasks
 * by state and Raft commit latency. API latency and reconcile durations are recorded where they
 * happen (the API handler and each control loop).
 *
 * <p>The store meters follow the node's role: a promotion binds the new replica's store, a
 * demotion unbinds it. Micrometer keeps the first gauge registered under a name and ignores
 * later ones, so a re-bind removes the old gauges first; otherwise they would go on reading the
 * closed store of the role before.
 */
public final class AgentMetrics {
    private static final Duration COUNT_CACHE = Duration.ofMillis(500);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private ClusterStore bound; // guarded by this
    private final List<Meter> storeGauges = new ArrayList<>(); // guarded by this

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Registers the meters that read the store, in place of those of a store bound before. */
    public synchronized void bind(ClusterStore store) {
        removeStoreGauges();
        bound = store;
        TaskCounts counts = new TaskCounts(store);
        for (TaskState state : TaskState.values()) {
            if (state == TaskState.UNRECOGNIZED) {
                continue;
            }
            storeGauges.add(Gauge.builder("orch.tasks", () -> counts.of(state))
                    .tag("state", DockerJson.dockerValue(state.getValueDescriptor()))
                    .description("tasks in the cluster store by current state")
                    .register(registry));
        }
        // a timer keeps its history across roles: only the new store has to report into it
        Timer commit = Timer.builder("orch.raft.commit")
                .description("time from proposing a store transaction to having it committed and applied")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        store.onCommitLatency(nanos -> commit.record(Duration.ofNanos(nanos)));
    }

    /** Removes the store gauges if they read this store (the role that bound it is stopping). */
    public synchronized void unbind(ClusterStore store) {
        if (bound == store) {
            removeStoreGauges();
            bound = null;
        }
    }

    private void removeStoreGauges() {
        storeGauges.forEach(registry::remove);
        storeGauges.clear();
    }

    /** One pass over the tasks serves all state gauges of a scrape. */
    private static final class TaskCounts {
        private final ClusterStore store;
        private volatile Map<TaskState, Long> counts = Map.of();
        private volatile long countedAt;
        private volatile boolean counted;

        TaskCounts(ClusterStore store) {
            this.store = store;
        }

        long of(TaskState state) {
            long now = System.nanoTime();
            if (!counted || now - countedAt > COUNT_CACHE.toNanos()) {
                Map<TaskState, Long> fresh = new EnumMap<>(TaskState.class);
                store.read(r -> {
                    for (Task t : r.tasks()) {
                        fresh.merge(t.getStatus().getState(), 1L, Long::sum);
                    }
                    return null;
                });
                counts = fresh;
                countedAt = now;
                counted = true;
            }
            return counts.getOrDefault(state, 0L);
        }
    }
}
