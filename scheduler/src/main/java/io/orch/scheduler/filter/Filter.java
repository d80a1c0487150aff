package io.orch.scheduler.filter;

import io.orch.api.proto.Task;
import io.orch.scheduler.Demand;
import io.orch.scheduler.NodeInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * One feasibility rule (swarmkit's filter.go). {@link #compile} specialises it to one task spec,
 * yielding the checks it needs (none when the spec asks nothing of it; several when each part
 * should be explained on its own, e.g. one per constraint). The Task-based methods are for
 * callers that test one node at a time (the global orchestrator's eligibility).
 */
public interface Filter {
    void compile(Demand demand, List<Check> out);

    /** Whether this filter has anything to check for this task (skipped otherwise). */
    default boolean appliesTo(Task task) {
        return !checks(task).isEmpty();
    }

    default boolean check(Task task, NodeInfo node) {
        for (Check c : checks(task)) {
            if (!c.test(node)) {
                return false;
            }
        }
        return true;
    }

    default String explain(Task task, int rejectedNodes) {
        List<String> parts = new ArrayList<>();
        for (Check c : checks(task)) {
            parts.add(c.explain(rejectedNodes));
        }
        return String.join("; ", parts);
    }

    private List<Check> checks(Task task) {
        List<Check> out = new ArrayList<>(2);
        compile(Demand.of(task), out);
        return out;
    }

    static String nodes(int n) {
        return n == 1 ? "1 node" : n + " nodes";
    }
}
