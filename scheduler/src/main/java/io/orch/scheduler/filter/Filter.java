package io.orch.scheduler.filter;

import io.orch.api.proto.Task;
import io.orch.scheduler.NodeInfo;

/**
 * One feasibility rule (swarmkit's filter.go). {@link #explain} turns the number of nodes it
 * rejected into the phrase shown in a pending task's status.
 */
public interface Filter {
    /** Whether this filter has anything to check for this task (skipped otherwise). */
    default boolean appliesTo(Task task) {
        return true;
    }

    boolean check(Task task, NodeInfo node);

    String explain(Task task, int rejectedNodes);

    static String nodes(int n) {
        return n == 1 ? "1 node" : n + " nodes";
    }
}
