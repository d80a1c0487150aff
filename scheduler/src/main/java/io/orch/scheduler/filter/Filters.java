package io.orch.scheduler.filter;

import io.orch.scheduler.Demand;

import java.util.ArrayList;
import java.util.List;

/**
 * The feasibility pipeline in swarmkit's order, which is also the order of a pending task's
 * explanation: a node that fails several checks is counted under the first one only.
 */
public final class Filters {
    private static final List<Filter> PIPELINE = List.of(new ReadyFilter(), new ResourceFilter(),
            new RuntimeFilter(), new ImageFilter(), new ConstraintFilter(), new HostPortFilter(), new MaxReplicasFilter());

    private Filters() {}

    public static List<Filter> pipeline() {
        return PIPELINE;
    }

    /** Every check {@code demand} needs, in pipeline order. */
    public static List<Check> compile(Demand demand) {
        List<Check> out = new ArrayList<>();
        for (Filter f : PIPELINE) {
            f.compile(demand, out);
        }
        return out;
    }
}
