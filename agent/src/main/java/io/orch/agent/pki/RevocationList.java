package io.orch.agent.pki;

import io.orch.api.model.Times;
import io.orch.api.proto.RevokedIdentity;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's revocation list as one immutable snapshot (the store's {@code Cluster.revoked}, or
 * on a worker what its managers pushed): which node certificates are refused although they chain
 * to the root CA. A removed node is refused in any role; a demoted manager only with a manager
 * certificate. An entry whose {@code until} has passed matches nothing (every certificate it was
 * written against has expired).
 */
public final class RevocationList {
    public static final RevocationList EMPTY = new RevocationList(List.of());

    private final List<RevokedIdentity> entries;
    /** node id -> the later {@code until} of its ANY_ROLE entry, its MANAGER entry */
    private final Map<String, Instant> anyRole = new HashMap<>();
    private final Map<String, Instant> managerOnly = new HashMap<>();

    private RevocationList(List<RevokedIdentity> entries) {
        this.entries = List.copyOf(entries);
        for (RevokedIdentity e : this.entries) {
            Map<String, Instant> scope = e.getScope() == RevokedIdentity.Scope.MANAGER ? managerOnly : anyRole;
            scope.merge(e.getNodeId(), Times.instant(e.getUntil()), (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    public static RevocationList of(List<RevokedIdentity> entries) {
        return entries.isEmpty() ? EMPTY : new RevocationList(entries);
    }

    public List<RevokedIdentity> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /**
     * Why a certificate naming {@code nodeId} in {@code role} is refused at {@code now}, or empty
     * when it is not revoked. The sentence never carries key material: only the node id.
     */
    public Optional<String> refusal(String nodeId, NodeRole role, Instant now) {
        if (live(anyRole.get(nodeId), now)) {
            return Optional.of("certificate revoked: node " + nodeId + " was removed from the cluster");
        }
        if (role == NodeRole.MANAGER && live(managerOnly.get(nodeId), now)) {
            return Optional.of("certificate revoked: node " + nodeId + " was demoted; its manager certificate is no longer valid");
        }
        return Optional.empty();
    }

    /** True when the node's certificates are refused in every role (it was removed). */
    public boolean removed(String nodeId, Instant now) {
        return live(anyRole.get(nodeId), now);
    }

    private static boolean live(Instant until, Instant now) {
        return until != null && now.isBefore(until);
    }

    @Override
    public String toString() {
        return "RevocationList[" + entries.size() + " entries]";
    }
}
