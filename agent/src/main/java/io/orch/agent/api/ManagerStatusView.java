package io.orch.agent.api;

import io.orch.api.proto.ManagerStatus;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Who leads the Raft group and which managers are reachable, asked when the API answers (a
 * manager's status in the store would be stale the moment leadership moves). The agent builds
 * one from its Raft server (the leader) and its gossip membership (reachability).
 */
public interface ManagerStatusView {

    /** The node id of the current Raft leader, if one is known. */
    Optional<String> leaderId();

    /** Whether the manager {@code nodeId} can be reached now. */
    ManagerStatus.Reachability reachability(String nodeId);

    static ManagerStatusView of(Supplier<Optional<String>> leaderId, Function<String, ManagerStatus.Reachability> reachability) {
        return new ManagerStatusView() {
            @Override
            public Optional<String> leaderId() {
                return leaderId.get();
            }

            @Override
            public ManagerStatus.Reachability reachability(String nodeId) {
                return reachability.apply(nodeId);
            }
        };
    }
}
