package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;

/**
 * When a rollout may treat a new task as serving: start-first stops the old task only then, and
 * the update moves on to the next slots only then. Today: RUNNING. The seam for health checks
 * (a task with a check must also report healthy) which come with the runtime work.
 */
@FunctionalInterface
public interface Readiness {
    Readiness RUNNING = t -> t.getStatus().getState() == TaskState.RUNNING;

    boolean ready(Task task);
}
