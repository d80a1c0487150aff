package io.orch.scheduler.filter;

import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Task;
import io.orch.scheduler.NodeInfo;

/** Only nodes that are up and whose availability is active take new tasks. */
public final class ReadyFilter implements Filter {
    @Override
    public boolean check(Task task, NodeInfo node) {
        return node.node().getStatus().getState() == NodeStatus.State.READY
                && node.node().getSpec().getAvailability() == NodeSpec.Availability.ACTIVE;
    }

    @Override
    public String explain(Task task, int rejectedNodes) {
        return Filter.nodes(rejectedNodes) + " not available (down, paused or drained)";
    }
}
