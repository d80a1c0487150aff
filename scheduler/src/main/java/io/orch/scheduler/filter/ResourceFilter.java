package io.orch.scheduler.filter;

import io.orch.scheduler.Demand;

import java.util.List;

/**
 * Reservations must fit in what the node has left (capacity minus what its tasks reserve);
 * never overcommitted. Memory and CPU are explained apart: a node short of both counts as
 * short of memory.
 */
public final class ResourceFilter implements Filter {
    @Override
    public void compile(Demand demand, List<Check> out) {
        long memory = demand.memoryBytes();
        long cpus = demand.nanoCpus();
        if (memory > 0) {
            out.add(Check.of(false, node -> memory <= node.availableMemory(),
                    n -> "insufficient memory on " + Filter.nodes(n)));
        }
        if (cpus > 0) {
            out.add(Check.of(false, node -> cpus <= node.availableNanoCpus(),
                    n -> "insufficient cpu on " + Filter.nodes(n)));
        }
    }
}
