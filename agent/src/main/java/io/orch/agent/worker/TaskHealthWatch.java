package io.orch.agent.worker;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.health.HealthMonitor;
import io.orch.runtime.health.HealthSpec;
import io.orch.runtime.health.HealthStatus;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;

/**
 * Starts the health monitor of a running task when it has a check (the service's, merged over
 * the image's HEALTHCHECK) and maps its status to the task status field the orchestrator and
 * rolling updates read ({@link TaskStatus#getHealth()}).
 */
final class TaskHealthWatch {
    /** Probes are short execs on their own threads' time; two scheduler threads only dispatch them. */
    private static final ScheduledExecutorService SCHEDULER = Executors.newScheduledThreadPool(2, DaemonThreads.factory("orch-health"));

    private TaskHealthWatch() {}

    /** The effective check of {@code task} on {@code runtime}, or empty when it has none. */
    static Optional<HealthSpec> effective(Task task, ContainerRuntime runtime) {
        var c = task.getSpec().getContainerSpec();
        return HealthSpec.effective(TaskConfigs.healthcheck(c), runtime.imageHealthcheck(c.getImage()))
                .filter(h -> h.command().isPresent());
    }

    static HealthMonitor start(ContainerRuntime runtime, String taskId, HealthSpec spec,
                               BiConsumer<HealthStatus, String> listener) {
        return new HealthMonitor(runtime, taskId, spec, SCHEDULER, listener).start();
    }

    static TaskStatus.Health toProto(HealthStatus s) {
        return switch (s) {
            case STARTING -> TaskStatus.Health.STARTING;
            case HEALTHY -> TaskStatus.Health.HEALTHY;
            case UNHEALTHY -> TaskStatus.Health.UNHEALTHY;
        };
    }
}
