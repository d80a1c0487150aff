package io.orch.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orch.agent.worker.TaskEvents;
import io.orch.api.proto.Task;

/** {@link TaskEvents} as counters: this node's task starts, restarts, stops and OOM kills. */
final class TaskEventMeters implements TaskEvents {
    private final Counter starts;
    private final Counter restarts;
    private final Counter stops;
    private final Counter oomKills;

    TaskEventMeters(MeterRegistry registry) {
        starts = Counter.builder("orch.task.starts").description("task containers started on this node")
                .register(registry);
        restarts = Counter.builder("orch.task.restarts")
                .description("task starts on this node that restart a slot (local restart, or a replacement under the same spec)")
                .register(registry);
        stops = Counter.builder("orch.task.stops").description("tasks on this node that ended because they were asked to stop")
                .register(registry);
        oomKills = Counter.builder("orch.task.oom.kills").description("tasks on this node the kernel's OOM killer ended")
                .register(registry);
    }

    @Override
    public void started(Task task) {
        starts.increment();
    }

    @Override
    public void restarted(Task task) {
        restarts.increment();
    }

    @Override
    public void stopped(Task task) {
        stops.increment();
    }

    @Override
    public void oomKilled(Task task) {
        oomKills.increment();
    }
}
