package io.orch.agent.api;

import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;

import java.util.List;

/** Swarm's rules for changing a node's role and removing it (swarmkit controlapi/node.go), with its messages. */
final class NodeRules {
    private NodeRules() {}

    /** A manager may be demoted only while another node stays a manager. */
    static void checkRoleChange(Node current, NodeSpec.Role newRole, List<Node> all) throws ApiException {
        if (current.getSpec().getRole() == NodeSpec.Role.MANAGER && newRole == NodeSpec.Role.WORKER) {
            long managers = all.stream().filter(n -> n.getSpec().getRole() == NodeSpec.Role.MANAGER).count();
            if (managers <= 1) {
                throw ApiException.badRequest("attempting to demote the last manager of the swarm");
            }
        }
    }

    /**
     * A manager is never removed (demote it first: it is a Raft voter); another node only when it
     * is down, unless forced.
     */
    static void checkRemovable(Node node, boolean force) throws ApiException {
        if (node.getSpec().getRole() == NodeSpec.Role.MANAGER) {
            throw ApiException.badRequest("node " + node.getId() + " is a cluster manager and is a member of the raft cluster."
                    + " It must be demoted to worker before removal");
        }
        if (!force && node.getStatus().getState() != NodeStatus.State.DOWN) {
            throw ApiException.badRequest("node " + node.getId() + " is not down and can't be removed");
        }
    }
}
