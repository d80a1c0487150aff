package io.orch.agent.join;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.orch.agent.pki.NodeCertExpiry;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.ClusterCa;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Node;
import io.orch.raft.store.ClusterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The certificate a member gets when it renews: for the role the store gives it now, naming its
 * address, valid for the cluster's current NodeCertExpiry, signed by the key the cluster signs with
 * now (during a root rotation, the new root's, sent with the cross-signed intermediate). Used by the Renew RPC and by a manager
 * that renews its own certificate from its replica of the CA (when its certificate expired and no
 * other manager could be asked).
 */
public final class RenewalIssuer {
    private final ClusterStore store;
    private final RaftMembership raft;

    /**
     * What was issued, and to whom: the certificate (with its intermediate during a root
     * rotation) and the roots the node is to trust.
     */
    public record Issued(Cluster cluster, Node node, NodeRole role, String certificatePem, String trustedRootsPem) {}

    public RenewalIssuer(ClusterStore store, RaftMembership raft) {
        this.store = store;
        this.raft = raft;
    }

    /**
     * @param sameRole when present, the role the store must still give the node (a node renewing
     *                 with an expired certificate gets no other role's)
     * @throws StatusRuntimeException saying why not (not a member, a demotion still under way, a bad CSR)
     */
    public Issued issue(String nodeId, byte[] csrDer, Optional<NodeRole> sameRole) {
        Cluster cluster = store.read(r -> r.cluster())
                .orElseThrow(() -> refuse(Status.UNAVAILABLE, "the cluster is not initialised yet"));
        Node node = store.read(r -> r.node(nodeId))
                .orElseThrow(() -> refuse(Status.PERMISSION_DENIED, "node " + nodeId + " is not a member of this cluster"));
        NodeRole role = NodeRole.fromProto(node.getSpec().getRole());
        if (sameRole.isPresent() && sameRole.get() != role) {
            String back = role == NodeRole.MANAGER ? "demote" : "promote";
            throw refuse(Status.FAILED_PRECONDITION, "node " + nodeId + " was made a " + role.name().toLowerCase()
                    + " while its certificate was expired; give it its role back (orch node " + back + " " + nodeId
                    + ") so that it can renew, then change the role again");
        }
        if (role == NodeRole.WORKER && raft.voters().containsKey(node.getId())) {
            // a demoted manager gets its worker certificate only once the leader's RoleLoop has
            // taken it out of the Raft group (when that keeps a quorum): it stays a voter until then
            throw refuse(Status.FAILED_PRECONDITION, "node " + node.getId()
                    + " is still a Raft voter; the leader removes it once that keeps a quorum");
        }
        ClusterCa ca = ClusterCa.of(cluster);
        List<String> sans = new ArrayList<>();
        String host = JoinService.hostOf(node.getStatus().getAddr());
        if (!host.isEmpty()) {
            sans.add(host);
        }
        try {
            String certificate = ca.issue(csrDer, node.getId(), role, sans, NodeCertExpiry.of(cluster.getSpec()));
            return new Issued(cluster, node, role, certificate, ca.trustedRootsPem());
        } catch (IllegalArgumentException e) {
            throw refuse(Status.INVALID_ARGUMENT, "certificate request refused: " + e.getMessage());
        }
    }

    static StatusRuntimeException refuse(Status status, String message) {
        return status.withDescription(message).asRuntimeException();
    }
}
