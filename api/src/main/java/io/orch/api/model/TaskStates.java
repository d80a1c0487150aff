package io.orch.api.model;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;

/**
 * The task state machine's order and the predicates over it, in one place. {@link TaskState}'s
 * numbers follow swarmkit's lifecycle (NEW < PENDING < ASSIGNED < ... < RUNNING < COMPLETE <
 * SHUTDOWN < FAILED < REJECTED < REMOVE < ORPHANED), so "later in the life of a task" is a
 * comparison of numbers; nowhere else should compare them by hand.
 */
public final class TaskStates {
    private TaskStates() {}

    /** {@code state} is {@code floor} or later in a task's life. */
    public static boolean atLeast(TaskState state, TaskState floor) {
        return state.getNumber() >= floor.getNumber();
    }

    /** {@code state} comes before {@code bound} in a task's life. */
    public static boolean before(TaskState state, TaskState bound) {
        return state.getNumber() < bound.getNumber();
    }

    /** {@code state} comes after {@code bound} in a task's life. */
    public static boolean after(TaskState state, TaskState bound) {
        return state.getNumber() > bound.getNumber();
    }

    /** {@code state} is {@code ceiling} or earlier in a task's life. */
    public static boolean atMost(TaskState state, TaskState ceiling) {
        return state.getNumber() <= ceiling.getNumber();
    }

    /** The task has stopped for good (COMPLETE, SHUTDOWN, FAILED, REJECTED, ORPHANED...). */
    public static boolean finished(TaskState s) {
        return atLeast(s, TaskState.COMPLETE);
    }

    public static boolean finished(Task t) {
        return finished(t.getStatus().getState());
    }

    /** The orchestrator still wants this task to run (it is its slot's current task). */
    public static boolean live(Task t) {
        return !atLeast(t.getDesiredState(), TaskState.COMPLETE);
    }

    /** The orchestrator wants this task stopped (desired SHUTDOWN or later). */
    public static boolean stopWanted(Task t) {
        return atLeast(t.getDesiredState(), TaskState.SHUTDOWN);
    }

    /** Holds (or is about to hold) node resources: assigned, wanted, not finished. */
    public static boolean holdsResources(Task t) {
        return !t.getNodeId().isEmpty() && !finished(t) && atLeast(t.getStatus().getState(), TaskState.ASSIGNED);
    }

    /** Waiting for the scheduler: wanted, and not yet assigned. */
    public static boolean awaitingPlacement(Task t) {
        return live(t) && before(t.getStatus().getState(), TaskState.ASSIGNED);
    }
}
