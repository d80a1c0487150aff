package io.orch.agent.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
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
 * The gauges a manager reads from its store replica: the cluster's tasks by state
 * ({@code orch_tasks}) and the tasks waiting for a node by reason
 * ({@code orch_scheduler_pending_tasks}). One pass over the tasks, at most every half second,
 * serves every gauge of a scrape.
 */
final class StoreMeters {
    private static final Duration COUNT_CACHE = Duration.ofMillis(500);

    private final ClusterStore store;
    private volatile Counts counts = new Counts(Map.of(), Map.of());
    private volatile long countedAt;
    private volatile boolean counted;

    private record Counts(Map<TaskState, Long> byState, Map<PendingReason, Long> pendingByReason) {
    }

    private StoreMeters(ClusterStore store) {
        this.store = store;
    }

    /** Registers the gauges over {@code store}; returns them, for the caller to remove when the store goes. */
    static List<Meter> register(ClusterStore store, MeterRegistry registry) {
        StoreMeters m = new StoreMeters(store);
        List<Meter> meters = new ArrayList<>();
        for (TaskState state : TaskState.values()) {
            if (state == TaskState.UNRECOGNIZED) {
                continue;
            }
            meters.add(Gauge.builder("orch.tasks", () -> m.counts().byState.getOrDefault(state, 0L))
                    .tag("state", DockerJson.dockerValue(state.getValueDescriptor()))
                    .description("tasks in the cluster store by current state")
                    .register(registry));
        }
        for (PendingReason reason : PendingReason.ALL) {
            meters.add(Gauge.builder("orch.scheduler.pending.tasks", () -> m.counts().pendingByReason.getOrDefault(reason, 0L))
                    .tag("reason", reason.label())
                    .description("tasks waiting for a node, by the first reason the scheduler gave")
                    .register(registry));
        }
        return meters;
    }

    private Counts counts() {
        long now = System.nanoTime();
        if (!counted || now - countedAt > COUNT_CACHE.toNanos()) {
            Map<TaskState, Long> byState = new EnumMap<>(TaskState.class);
            Map<PendingReason, Long> pending = new EnumMap<>(PendingReason.class);
            store.read(r -> {
                for (Task t : r.tasks()) {
                    byState.merge(t.getStatus().getState(), 1L, Long::sum);
                    if (t.getStatus().getState() == TaskState.PENDING && t.getNodeId().isEmpty()) {
                        pending.merge(PendingReason.of(t.getStatus().getErr()), 1L, Long::sum);
                    }
                }
                return null;
            });
            counts = new Counts(byState, pending);
            countedAt = now;
            counted = true;
        }
        return counts;
    }
}
