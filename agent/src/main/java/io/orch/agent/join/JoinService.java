package io.orch.agent.join;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.orch.agent.pki.ExpiredCertificateProof;
import io.orch.agent.pki.ClusterCa;
import io.orch.agent.pki.JoinToken;
import io.orch.agent.pki.NodeCertExpiry;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.PeerIdentity;
import io.orch.agent.pki.RootCa;
import io.orch.agent.rpc.RpcServer;
import io.orch.agent.seal.AutolockPolicy;
import io.orch.agent.seal.StoreKeyTransfer;
import io.orch.raft.seal.SealKey;
import io.orch.api.proto.AddVoterRequest;
import io.orch.api.proto.AddVoterResponse;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.JoinRequest;
import io.orch.api.proto.JoinResponse;
import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.RenewRequest;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeJoinGrpc;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.Ids;
import io.orch.raft.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A manager's side of joining (Swarm's CA + node registration in one call): checks the join
 * token against the cluster's current tokens, signs the node's CSR with the cluster root CA,
 * registers the node in the store and tells it where the managers and the gossip are. A refused
 * join writes nothing.
 */
public final class JoinService extends NodeJoinGrpc.NodeJoinImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(JoinService.class);

    private final ClusterStore store;
    private final RaftMembership raft;
    private final RenewalIssuer renewals;
    private final Clock clock;
    /** The cluster's store key: handed to managers only (join with a manager token, renew as a manager). */
    private final SealKey storeKey;

    public JoinService(ClusterStore store, RaftMembership raft, SealKey storeKey) {
        this(store, raft, Clock.systemUTC(), storeKey);
    }

    /** @param clock judges whether an expired certificate may still be renewed */
    public JoinService(ClusterStore store, RaftMembership raft, Clock clock, SealKey storeKey) {
        this.store = store;
        this.raft = raft;
        this.renewals = new RenewalIssuer(store, raft);
        this.clock = clock;
        this.storeKey = java.util.Objects.requireNonNull(storeKey, "storeKey");
    }

    @Override
    public void join(JoinRequest request, StreamObserver<JoinResponse> response) {
        try {
            response.onNext(admit(request));
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        }
    }

    JoinResponse admit(JoinRequest request) {
        Cluster cluster = store.read(r -> r.cluster())
                .orElseThrow(() -> refuse(Status.UNAVAILABLE, "the cluster is not initialised yet"));
        JoinToken token;
        try {
            token = JoinToken.parse(request.getToken());
        } catch (IllegalArgumentException e) {
            throw refuse(Status.INVALID_ARGUMENT, e.getMessage());
        }
        ClusterCa ca = ClusterCa.of(cluster);
        if (!token.caDigest().equals(ca.tokenDigest())) {
            // after a root rotation began, the tokens name the new root: a token of the old one is refused
            throw refuse(Status.PERMISSION_DENIED, "the join token was made for another root CA of this or another cluster"
                    + " (after a root CA rotation, use the new token: orch join-token worker)");
        }
        NodeRole role;
        if (token.secretMatches(cluster.getJoinTokens().getManager())) {
            role = NodeRole.MANAGER;
        } else if (token.secretMatches(cluster.getJoinTokens().getWorker())) {
            role = NodeRole.WORKER;
        } else {
            throw refuse(Status.PERMISSION_DENIED, "invalid join token: it is not this cluster's current worker or manager token (it may have been rotated)");
        }
        String listen = hostPort("listen address", request.getListenAddr());
        String gossip = hostPort("gossip address", request.getGossipAddr());
        String host = listen.substring(0, listen.lastIndexOf(':'));
        String nodeId = Ids.newId();
        String certificate;
        try {
            certificate = ca.issue(request.getCsr().toByteArray(), nodeId, role, List.of(host), NodeCertExpiry.of(cluster.getSpec()));
        } catch (IllegalArgumentException e) {
            throw refuse(Status.INVALID_ARGUMENT, "certificate request refused: " + e.getMessage());
        }
        Node node = newNode(nodeId, request, role, listen, gossip, host);
        try {
            store.updateAndWait(tx -> tx.create(node));
        } catch (StoreException e) {
            throw refuse(Status.UNAVAILABLE, "could not register the node: " + e.getMessage());
        }
        LOG.info("node {} ({}) joined as {} from {}", nodeId, request.getHostname(), role.name().toLowerCase(), listen);
        return response(cluster, nodeId, role, certificate);
    }

    /**
     * What a member needs in its role. A manager also gets the store key (it will hold a replica of
     * the sealed store); this answer travels only over the join's TLS and is never logged.
     */
    private JoinResponse response(Cluster cluster, String nodeId, NodeRole role, String certificate) {
        JoinResponse.Builder answer = JoinResponse.newBuilder()
                .setNodeId(nodeId)
                .setClusterId(cluster.getId())
                .setRole(role.toProto())
                .setCertificatePem(certificate)
                .setCaCertificatePem(ClusterCa.of(cluster).trustedRootsPem())
                .setGossipKey(cluster.getGossipKey())
                .putAllManagers(managers())
                .putAllRaftVoters(role == NodeRole.MANAGER ? raft.voters() : Map.of())
                .addAllGossipSeeds(gossipSeeds(nodeId));
        if (role == NodeRole.MANAGER) {
            answer.setStoreKey(StoreKeyTransfer.encode(storeKey));
            // it gets the unlock key from its replica anyway: sent now, its key files are never in clear
            AutolockPolicy.unlockKey(cluster).ifPresent(k -> answer.setManagerUnlockKey(ByteString.copyFrom(k.bytes())));
        }
        return answer.build();
    }

    /**
     * A member's new certificate, for the role its Node object has now. The caller is who its TLS
     * certificate says; or, without one, who the expired certificate it sends says, if it proves
     * it holds that certificate's key, the expiry is recent and its role has not changed since.
     */
    @Override
    public void renew(RenewRequest request, StreamObserver<JoinResponse> response) {
        try {
            RenewalIssuer.Issued issued;
            if (request.getExpiredCertificatePem().isEmpty()) {
                issued = renewals.issue(caller().nodeId(), request.getCsr().toByteArray(), Optional.empty());
            } else {
                PeerIdentity proven = provenByExpiredCertificate(request);
                issued = renewals.issue(proven.nodeId(), request.getCsr().toByteArray(), Optional.of(proven.role()));
                LOG.info("node {} proved it holds the key of its expired certificate", proven.nodeId());
            }
            LOG.info("node {} renewed its certificate as {}", issued.node().getId(), issued.role().name().toLowerCase());
            response.onNext(response(issued.cluster(), issued.node().getId(), issued.role(), issued.certificatePem()));
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        }
    }

    private PeerIdentity provenByExpiredCertificate(RenewRequest request) {
        Cluster cluster = store.read(r -> r.cluster())
                .orElseThrow(() -> refuse(Status.UNAVAILABLE, "the cluster is not initialised yet"));
        ClusterCa ca = ClusterCa.of(cluster);
        try {
            PeerIdentity proven = verifyExpired(request, ca);
            if (!proven.clusterId().equals(cluster.getId())) {
                throw refuse(Status.PERMISSION_DENIED, "the expired certificate belongs to another cluster");
            }
            return proven;
        } catch (IllegalArgumentException e) {
            throw refuse(Status.PERMISSION_DENIED, "renewal of an expired certificate refused: " + e.getMessage());
        }
    }

    /**
     * The expired certificate is checked against the root in force and, during a rotation, the new
     * root (a node may have renewed onto it before it went down). After a rotation has finished, a
     * certificate of the old root is refused: that node must join again.
     */
    private PeerIdentity verifyExpired(RenewRequest request, ClusterCa ca) {
        IllegalArgumentException refused = null;
        for (RootCa root : ca.rotating() ? List.of(ca.root(), ca.signingRoot()) : List.of(ca.root())) {
            try {
                return ExpiredCertificateProof.verify(request.getExpiredCertificatePem(),
                        request.getExpiredCertificateProof().toByteArray(), request.getCsr().toByteArray(), root.certificate(),
                        clock.instant());
            } catch (IllegalArgumentException e) {
                refused = refused == null ? e : refused;
            }
        }
        throw refused;
    }

    /** "10.0.0.5", "10.0.0.5:2377" or "[::1]:2377" -> the host part. */
    static String hostOf(String addr) {
        if (addr.startsWith("[")) {
            int end = addr.indexOf(']');
            return end > 0 ? addr.substring(1, end) : addr;
        }
        int colon = addr.indexOf(':');
        return colon >= 0 && colon == addr.lastIndexOf(':') ? addr.substring(0, colon) : addr;
    }

    private static Node newNode(String nodeId, JoinRequest request, NodeRole role, String listen, String gossip, String host) {
        Node.Builder node = Node.newBuilder()
                .setId(nodeId)
                .setSpec(NodeSpec.newBuilder()
                        .setRole(role == NodeRole.MANAGER ? NodeSpec.Role.MANAGER : NodeSpec.Role.WORKER)
                        .setAvailability(NodeSpec.Availability.ACTIVE))
                .setDescription(request.getDescription().toBuilder().setHostname(request.getHostname()))
                // READY once its gossip is seen alive or its dispatcher session opens
                .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.UNKNOWN).setAddr(host))
                .addAllRuntimes(request.getRuntimesList())
                .setGossipAddr(gossip);
        if (role == NodeRole.MANAGER) {
            node.setManagerStatus(ManagerStatus.newBuilder().setAddr(listen)
                    .setReachability(ManagerStatus.Reachability.UNKNOWN));
        }
        return node.build();
    }

    /** Managers' RPC addresses, by node id. */
    private Map<String, String> managers() {
        Map<String, String> managers = new TreeMap<>();
        store.read(r -> r.nodes()).stream()
                .filter(n -> n.getSpec().getRole() == NodeSpec.Role.MANAGER && !n.getManagerStatus().getAddr().isEmpty())
                .forEach(n -> managers.put(n.getId(), n.getManagerStatus().getAddr()));
        return managers;
    }

    /** Gossip addresses of the nodes that are up (managers first: they are the long-lived ones). */
    private List<String> gossipSeeds(String except) {
        List<String> seeds = new ArrayList<>();
        for (Node n : store.read(r -> r.nodes())) {
            if (!n.getId().equals(except) && !n.getGossipAddr().isEmpty() && n.getStatus().getState() != NodeStatus.State.DOWN) {
                if (n.getSpec().getRole() == NodeSpec.Role.MANAGER) {
                    seeds.add(0, n.getGossipAddr());
                } else {
                    seeds.add(n.getGossipAddr());
                }
            }
        }
        return seeds;
    }

    /** A node that joined with a manager token asks, with its new certificate, to become a Raft voter. */
    @Override
    public void addVoter(AddVoterRequest request, StreamObserver<AddVoterResponse> response) {
        try {
            PeerIdentity caller = caller();
            if (caller.role() != NodeRole.MANAGER) {
                throw refuse(Status.PERMISSION_DENIED, "only a manager may become a Raft voter");
            }
            // the certificate alone is not enough: an old manager certificate outlives a demotion or
            // a `node rm` (there is no revocation list yet), the store says who is a manager now
            boolean managerNow = store.read(r -> r.node(caller.nodeId()))
                    .map(n -> n.getSpec().getRole() == NodeSpec.Role.MANAGER).orElse(false);
            if (!managerNow) {
                throw refuse(Status.PERMISSION_DENIED, "node " + caller.nodeId() + " is not a manager of this cluster");
            }
            String raftAddr = hostPort("raft address", request.getRaftAddr());
            raft.addVoter(caller.nodeId(), raftAddr);
            LOG.info("node {} is now a Raft voter at {}", caller.nodeId(), raftAddr);
            response.onNext(AddVoterResponse.newBuilder().putAllRaftVoters(raft.voters()).build());
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        } catch (IOException e) {
            response.onError(refuse(Status.UNAVAILABLE, "could not add the Raft voter: " + e.getMessage()));
        }
    }

    private PeerIdentity caller() {
        SSLSession tls = RpcServer.PEER_TLS.get();
        if (tls == null) {
            throw refuse(Status.UNAUTHENTICATED, "a node certificate of this cluster is required");
        }
        try {
            PeerIdentity identity = PeerIdentity.fromSslSession(tls);
            String clusterId = store.read(r -> r.cluster()).map(Cluster::getId).orElse("");
            if (!identity.clusterId().equals(clusterId)) {
                throw refuse(Status.PERMISSION_DENIED, "the certificate belongs to another cluster");
            }
            return identity;
        } catch (IllegalArgumentException e) {
            throw refuse(Status.UNAUTHENTICATED, "a node certificate of this cluster is required: " + e.getMessage());
        }
    }

    private static String hostPort(String what, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw refuse(Status.INVALID_ARGUMENT, what + " \"" + value + "\": expected HOST:PORT");
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw refuse(Status.INVALID_ARGUMENT, what + " \"" + value + "\": invalid port");
        }
        if (value.startsWith("0.0.0.0:") || value.startsWith("[::]:")) {
            throw refuse(Status.INVALID_ARGUMENT, what + " \"" + value + "\": a wildcard is not an address other nodes can reach");
        }
        return value;
    }

    private static StatusRuntimeException refuse(Status status, String message) {
        return status.withDescription(message).asRuntimeException();
    }
}
