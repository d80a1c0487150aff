package io.orch.scheduler.filter;

import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.Task;
import io.orch.scheduler.NodeInfo;

/** Reservations must fit in what the node has left; never overcommitted. */
public final class ResourceFilter implements Filter {
    @Override
    public boolean appliesTo(Task task) {
        ResourceSet r = task.getSpec().getResources().getReservations();
        return r.getNanoCpus() > 0 || r.getMemoryBytes() > 0;
    }

    @Override
    public boolean check(Task task, NodeInfo node) {
        ResourceSet r = task.getSpec().getResources().getReservations();
        return r.getNanoCpus() <= node.availableNanoCpus() && r.getMemoryBytes() <= node.availableMemory();
    }

    @Override
    public String explain(Task task, int rejectedNodes) {
        return "insufficient resources on " + Filter.nodes(rejectedNodes);
    }
}
