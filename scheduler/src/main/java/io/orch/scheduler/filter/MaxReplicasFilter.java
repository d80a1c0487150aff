package io.orch.scheduler.filter;

import io.orch.scheduler.Demand;

import java.util.List;

/** {@code --replicas-max-per-node}: at most this many tasks of the service on one node. */
public final class MaxReplicasFilter implements Filter {
    @Override
    public void compile(Demand demand, List<Check> out) {
        long max = demand.maxReplicas();
        String service = demand.serviceId();
        if (max > 0) {
            out.add(Check.of(false, node -> node.tasksOf(service) < max,
                    n -> "max replicas per node (" + max + ") reached on " + Filter.nodes(n)));
        }
    }
}
