package io.orch.agent.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orch.agent.worker.SupervisedTask;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.TaskState;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code orch_node_tasks{state}}: the tasks this node's worker supervises, by the state each last
 * reported. Reads the worker's supervisors (no runtime call), at most every half second.
 */
final class NodeTaskMeters {
    private static final Duration CACHE = Duration.ofMillis(500);

    private volatile Supplier<List<SupervisedTask>> tasks = List::of;
    private volatile Map<TaskState, Long> counts = Map.of();
    private volatile long countedAt;
    private volatile boolean counted;

    NodeTaskMeters(MeterRegistry registry) {
        for (TaskState state : TaskState.values()) {
            if (state == TaskState.UNRECOGNIZED) {
                continue;
            }
            Gauge.builder("orch.node.tasks", () -> counts().getOrDefault(state, 0L))
                    .tag("state", DockerJson.dockerValue(state.getValueDescriptor()))
                    .description("tasks this node's worker supervises, by the state each last reported")
                    .register(registry);
        }
    }

    /** Counts the tasks of this worker from now on (a role switch brings a new one). */
    void follow(Supplier<List<SupervisedTask>> source) {
        tasks = source;
        counted = false;
    }

    private Map<TaskState, Long> counts() {
        long now = System.nanoTime();
        if (!counted || now - countedAt > CACHE.toNanos()) {
            Map<TaskState, Long> fresh = new EnumMap<>(TaskState.class);
            for (SupervisedTask t : tasks.get()) {
                fresh.merge(t.state(), 1L, Long::sum);
            }
            counts = fresh;
            countedAt = now;
            counted = true;
        }
        return counts;
    }
}
