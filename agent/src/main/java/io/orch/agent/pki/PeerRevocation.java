package io.orch.agent.pki;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How one endpoint applies the revocation list to a peer: why {@code peer} is refused now, or
 * empty. The three policies differ only in what a demoted manager's manager certificate may
 * still do.
 */
@FunctionalInterface
public interface PeerRevocation {
    Optional<String> refusal(PeerIdentity peer, RevocationList list, Instant now);

    /** Every revoked certificate is refused: workers' RPCs, connections a node makes, established connections. */
    PeerRevocation STRICT = (peer, list, now) -> list.refusal(peer.nodeId(), peer.role(), now);

    /**
     * Only removed nodes are refused at the handshake: the managers' RPC listener, where a
     * demoted manager still presents its manager certificate to the Renew RPC to get its worker
     * one (the per-call check then lets it call nothing else).
     */
    PeerRevocation REMOVED_ONLY = (peer, list, now) -> list.removed(peer.nodeId(), now)
            ? list.refusal(peer.nodeId(), peer.role(), now) : Optional.empty();

    /**
     * The Raft transport: a demoted manager is refused once it is no longer a voter. Until the
     * leader has taken it out of the Raft group (when that keeps a quorum), the group still needs
     * its votes and acknowledgements, the configuration change itself among them: refusing it
     * earlier could leave the group without a quorum for good.
     */
    static PeerRevocation raft(Predicate<String> isVoter) {
        return (peer, list, now) -> {
            if (list.removed(peer.nodeId(), now)) {
                return list.refusal(peer.nodeId(), peer.role(), now);
            }
            return isVoter.test(peer.nodeId()) ? Optional.empty() : list.refusal(peer.nodeId(), peer.role(), now);
        };
    }
}
