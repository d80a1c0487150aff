package io.orch.scheduler.filter;

import io.orch.scheduler.NodeInfo;

/**
 * One feasibility rule specialised to one task spec (a {@link Filter} compiled against a
 * {@link io.orch.scheduler.Demand}). {@link #explain} turns the number of nodes it rejected into
 * the phrase shown in a pending task's status.
 */
public interface Check {
    boolean test(NodeInfo node);

    String explain(int rejectedNodes);

    /**
     * True when the outcome depends only on the node object, never on what is placed on it:
     * the scheduler then evaluates it once per batch group instead of once per placement.
     */
    boolean isStatic();

    static Check of(boolean isStatic, java.util.function.Predicate<NodeInfo> test,
                    java.util.function.IntFunction<String> explain) {
        return new Check() {
            @Override
            public boolean test(NodeInfo node) {
                return test.test(node);
            }

            @Override
            public String explain(int rejectedNodes) {
                return explain.apply(rejectedNodes);
            }

            @Override
            public boolean isStatic() {
                return isStatic;
            }
        };
    }
}
