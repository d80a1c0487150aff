package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;

/**
 * When a rollout may treat a new task as serving: start-first stops the old task only then, and
 * the update moves on to the next slots only then.
 */
@FunctionalInterface
public interface Readiness {
    /** Running, whatever its health. */
    Readiness RUNNING = t -> t.getStatus().getState() == TaskState.RUNNING;

    /**
     * Running and, when it has a health check, healthy (a task still in its start period, or
     * unhealthy, is not available: Docker's readiness rule).
     */
    Readiness RUNNING_AND_HEALTHY = t -> RUNNING.ready(t)
            && (t.getStatus().getHealth() == TaskStatus.Health.NONE || t.getStatus().getHealth() == TaskStatus.Health.HEALTHY);

    boolean ready(Task task);
}
