package io.orch.agent.api;

import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;

/**
 * What the agent does beyond the store when the API promotes, demotes or removes a node: the
 * Raft membership change (add the node as a voter, remove it), revoking a removed node's
 * session. The API writes the spec change; this hook makes it real. {@link #NONE}: spec only.
 */
public interface RoleChangeHook {

    /** A refusal the user sees as is (400), e.g. "can't remove member from the raft: this would result in a loss of quorum". */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** Before the role change is written: throw {@link Refused} to refuse it (nothing is written). */
    default void check(Node node, NodeSpec.Role newRole) throws Refused {
    }

    /** After the role change committed. Called on an API thread: start the work, do not wait long for it. */
    void roleChanged(Node before, Node after);

    /** After a (worker) node was removed from the store. */
    default void removed(Node node) {
    }

    RoleChangeHook NONE = (before, after) -> { };
}
