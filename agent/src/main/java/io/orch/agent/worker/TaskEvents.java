package io.orch.agent.worker;

import io.orch.api.proto.Task;

/**
 * What happens to this node's tasks, as the worker reports it, for metrics (bound to the
 * registry in agent/metrics). Called on task supervisor threads: implementations only count.
 */
public interface TaskEvents {
    /** The task's container started on this node (not a re-attach after an agent restart). */
    default void started(Task task) {
    }

    /**
     * A start that restarts the task's slot: a local restart while no manager is reachable, or
     * a task that replaces an earlier one of its slot under the same spec (its restart count).
     */
    default void restarted(Task task) {
    }

    /** The task ended because it was asked to stop (SHUTDOWN after a stop). */
    default void stopped(Task task) {
    }

    /** The task failed because the kernel's OOM killer ended it. */
    default void oomKilled(Task task) {
    }

    TaskEvents NONE = new TaskEvents() { };
}
