package io.orch.agent.api;

import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;

import java.util.Optional;

/**
 * A node's ManagerStatus as {@code docker node ls} shows it (Leader / Reachable / Unreachable),
 * computed when the API answers: the leader from Raft, reachability from the live view, the
 * address from what the manager registered. Workers have none.
 */
final class ManagerStatusPresenter {
    private final ManagerStatusView view;

    ManagerStatusPresenter(ManagerStatusView view) {
        this.view = view;
    }

    Node present(Node node, Optional<String> leaderId) {
        if (node.getSpec().getRole() != NodeSpec.Role.MANAGER) {
            return node.hasManagerStatus() ? node.toBuilder().clearManagerStatus().build() : node;
        }
        boolean leader = leaderId.map(node.getId()::equals).orElse(false);
        String addr = node.getManagerStatus().getAddr().isEmpty() ? node.getStatus().getAddr() : node.getManagerStatus().getAddr();
        ManagerStatus status = ManagerStatus.newBuilder()
                .setLeader(leader)
                .setReachability(leader ? ManagerStatus.Reachability.REACHABLE : view.reachability(node.getId()))
                .setAddr(addr)
                .build();
        return node.toBuilder().setManagerStatus(status).build();
    }
}
