package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Task;

/**
 * How many tasks for empty slots one orchestrator pass may make: at most {@code tasks} (what the
 * cluster's task limit leaves) and about {@code bytes} of them (one Raft entry's budget). A
 * planner stops making them when this runs out, so a spec asking for fifty million replicas
 * costs one budget's worth of memory per pass, never fifty million tasks. Replacements of
 * existing tasks are not counted: a slot's old and new task must change together.
 */
public final class FreshTasks {
    private long tasksLeft;
    private long bytesLeft;
    private boolean cutShort;

    public FreshTasks(long tasks, long bytes) {
        this.tasksLeft = Math.max(0, tasks);
        this.bytesLeft = bytes;
    }

    /** As many as asked for (tests, and plans that cannot grow: a global service's nodes). */
    public static FreshTasks unbounded() {
        return new FreshTasks(Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** Whether one more may be made; false once the budget is spent (and the plan is then short). */
    boolean allowsAnother() {
        if (tasksLeft > 0 && bytesLeft > 0) {
            return true;
        }
        cutShort = true;
        return false;
    }

    void took(Task t) {
        tasksLeft--;
        bytesLeft -= t.getSerializedSize();
    }

    /** Some slot that wanted a task did not get one this pass. */
    public boolean cutShort() {
        return cutShort;
    }

    /** It ran out of tasks (the cluster's limit), not only of bytes for this pass. */
    public boolean outOfTasks() {
        return cutShort && tasksLeft <= 0;
    }
}
