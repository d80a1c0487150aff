package io.orch.agent.pki;

import io.orch.api.model.Times;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Node;
import io.orch.api.proto.RevokedIdentity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes to the cluster's revocation list ({@code Cluster.revoked}), made in the same store
 * transaction as the removal or role change they follow. Every edit also drops the entries whose
 * {@code until} has passed, so the list holds at most two entries per node whose certificates can
 * still be presented, and a node count is bounded by the cluster.
 */
public final class RevocationEdits {
    private RevocationEdits() {
    }

    /** {@code node} was removed: every certificate issued to it so far is refused. */
    public static Cluster nodeRemoved(Cluster cluster, Node node, Instant now) {
        return with(cluster, node, RevokedIdentity.Scope.ANY_ROLE, now);
    }

    /** {@code node} was demoted: its manager certificates are refused (its worker one is not). */
    public static Cluster managerDemoted(Cluster cluster, Node node, Instant now) {
        return with(cluster, node, RevokedIdentity.Scope.MANAGER, now);
    }

    /**
     * {@code node} was promoted: its manager-only entry is lifted, so the manager certificate it
     * is issued next is good. (A manager certificate from before its demotion is then good too:
     * it names the same node in the role it has again.)
     */
    public static Cluster managerPromoted(Cluster cluster, String nodeId, Instant now) {
        List<RevokedIdentity> kept = new ArrayList<>();
        for (RevokedIdentity e : pruned(cluster.getRevokedList(), now)) {
            if (!(e.getNodeId().equals(nodeId) && e.getScope() == RevokedIdentity.Scope.MANAGER)) {
                kept.add(e);
            }
        }
        return cluster.toBuilder().clearRevoked().addAllRevoked(kept).build();
    }

    /** The entries that can still match a certificate at {@code now}. */
    public static List<RevokedIdentity> pruned(List<RevokedIdentity> entries, Instant now) {
        List<RevokedIdentity> kept = new ArrayList<>(entries.size());
        for (RevokedIdentity e : entries) {
            if (now.isBefore(Times.instant(e.getUntil()))) {
                kept.add(e);
            }
        }
        return kept;
    }

    private static Cluster with(Cluster cluster, Node node, RevokedIdentity.Scope scope, Instant now) {
        List<RevokedIdentity> kept = new ArrayList<>();
        for (RevokedIdentity e : pruned(cluster.getRevokedList(), now)) {
            if (!(e.getNodeId().equals(node.getId()) && e.getScope() == scope)) {
                kept.add(e);
            }
        }
        kept.add(RevokedIdentity.newBuilder().setNodeId(node.getId()).setScope(scope)
                .setRevokedAt(Times.timestamp(now)).setUntil(Times.timestamp(until(cluster, node, now))).build());
        return cluster.toBuilder().clearRevoked().addAllRevoked(kept).build();
    }

    /**
     * The latest expiry a certificate issued to {@code node} before {@code now} can have: the one
     * it reported, or one issued just now under the current expiry or the default one (the expiry
     * may have been lowered since its certificate was issued), whichever is later.
     */
    static Instant until(Cluster cluster, Node node, Instant now) {
        Instant issuedNow = now.plus(NodeCertExpiry.of(cluster.getSpec()));
        Instant byDefault = now.plus(NodeCertExpiry.DEFAULT);
        Instant latest = issuedNow.isAfter(byDefault) ? issuedNow : byDefault;
        if (node.getDescription().getTlsInfo().hasCertExpiry()) {
            Instant reported = Times.instant(node.getDescription().getTlsInfo().getCertExpiry());
            if (reported.isAfter(latest)) {
                latest = reported;
            }
        }
        return latest;
    }
}
