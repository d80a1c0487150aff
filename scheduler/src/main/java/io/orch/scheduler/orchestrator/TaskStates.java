package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;

/** Predicates over the task state machine shared by the planners and the loops. */
public final class TaskStates {
    private TaskStates() {}

    /** The task has stopped for good (COMPLETE, SHUTDOWN, FAILED, REJECTED, ORPHANED...). */
    public static boolean finished(TaskState s) {
        return s.getNumber() >= TaskState.COMPLETE.getNumber();
    }

    public static boolean finished(Task t) {
        return finished(t.getStatus().getState());
    }

    /** The orchestrator still wants this task to run (it is its slot's current task). */
    public static boolean live(Task t) {
        return t.getDesiredState().getNumber() <= TaskState.RUNNING.getNumber();
    }

    /** Holds (or is about to hold) node resources: assigned, wanted, not finished. */
    public static boolean holdsResources(Task t) {
        return !t.getNodeId().isEmpty() && !finished(t)
                && t.getStatus().getState().getNumber() >= TaskState.ASSIGNED.getNumber();
    }

    /** Waiting for the scheduler: wanted, and not yet assigned. */
    public static boolean awaitingPlacement(Task t) {
        return live(t) && t.getStatus().getState().getNumber() < TaskState.ASSIGNED.getNumber();
    }
}
