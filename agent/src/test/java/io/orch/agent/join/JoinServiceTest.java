package io.orch.agent.join;

import java.util.Set;
import io.orch.agent.pki.LiveRevocations;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.orch.agent.manager.ClusterBootstrap;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeCsr;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import io.orch.agent.rpc.RpcServer;
import io.orch.api.proto.AddVoterRequest;
import io.orch.api.proto.CAConfig;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.JoinTokens;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeJoinGrpc;
import io.orch.api.proto.NodeSpec;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Joining over real TLS on loopback: the token decides the role, a wrong or rotated token or a
 * foreign CA is refused and leaves no node behind, and only a node the store calls a manager may
 * become a Raft voter.
 */
class JoinServiceTest {
    private static final int PORT = 24190;
    private static final String MANAGER = "127.0.0.1:" + PORT;

    private ClusterStore store;
    private Cluster cluster;
    private RpcServer server;
    private final Map<String, String> voters = new TreeMap<>(Map.of("m1", "127.0.0.1:1"));
    private final io.orch.raft.seal.SealKey storeKey = io.orch.raft.seal.SealKey.generate(new java.security.SecureRandom());

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        RootCa ca = RootCa.create("c1");
        cluster = ClusterBootstrap.ensureCluster(store, "c1", ca);
        NodeCredentials manager = NodeCredentials.selfIssued(ca, "m1", NodeRole.MANAGER, List.of("127.0.0.1"));
        RaftMembership raft = new RaftMembership() {
            @Override
            public void addVoter(String nodeId, String raftAddr) {
                voters.put(nodeId, raftAddr);
            }

            @Override
            public Map<String, String> voters() {
                return Map.copyOf(voters);
            }
        };
        server = new RpcServer(new InetSocketAddress("127.0.0.1", PORT), manager.serverContext(ClientAuth.OPTIONAL),
                List.of(new JoinService(store, raft, storeKey)), LiveRevocations.none(), Set.of()).start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        store.proposer().close();
    }

    private JoinClient.Joined join(String token) throws JoinClient.JoinRefusedException {
        return JoinClient.join(token, "127.0.0.1", PORT, "host-a", "127.0.0.1:7001", "127.0.0.1:7002",
                List.of("process"), NodeDescription.getDefaultInstance());
    }

    @Test
    void theTokenDecidesTheRoleAndTheNodeGetsACertificateForItsOwnKey() throws Exception {
        JoinClient.Joined worker = join(cluster.getJoinTokens().getWorker());
        assertEquals(NodeRole.WORKER, worker.credentials().role());
        assertEquals(worker.response().getNodeId(), worker.credentials().nodeId());
        assertEquals("c1", worker.credentials().clusterId());
        assertEquals(cluster.getGossipKey(), worker.response().getGossipKey());
        assertTrue(worker.response().getRaftVotersMap().isEmpty(), "a worker is not told the Raft group");
        assertTrue(worker.response().getStoreKey().isEmpty(), "a worker never gets the store key");
        Node node = store.read(r -> r.node(worker.response().getNodeId())).orElseThrow();
        assertEquals(NodeSpec.Role.WORKER, node.getSpec().getRole());
        assertEquals("127.0.0.1:7002", node.getGossipAddr());

        JoinClient.Joined manager = join(cluster.getJoinTokens().getManager());
        assertEquals(NodeRole.MANAGER, manager.credentials().role());
        assertEquals(voters, manager.response().getRaftVotersMap());
        assertEquals(java.util.Optional.of(storeKey),
                io.orch.agent.seal.StoreKeyTransfer.decode(manager.response().getStoreKey()), "a manager gets the store key");
    }

    @Test
    void aWrongOrRotatedTokenIsRefusedAndLeavesNoNode() throws Exception {
        String old = cluster.getJoinTokens().getWorker();
        store.updateAndWait(tx -> {
            Cluster c = tx.read().cluster().orElseThrow();
            tx.update(c.toBuilder().setJoinTokens(JoinTokens.newBuilder()
                    .setWorker(io.orch.agent.pki.JoinToken.generate(RootCa.fromProto(c.getRootCa())).value())
                    .setManager(c.getJoinTokens().getManager())).build());
        });
        JoinClient.JoinRefusedException refused = assertThrows(JoinClient.JoinRefusedException.class, () -> join(old));
        assertTrue(refused.getMessage().contains("not this cluster's current worker or manager token"), refused.getMessage());
        assertFalse(refused.getMessage().contains(old.substring(old.lastIndexOf('-') + 1)), "the secret is never echoed");
        assertEquals(0, store.read(r -> r.nodes()).size(), "a refused join registers nothing");
    }

    @Test
    void duringARootRotationTheNewTokenJoinsOntoBothRootsAndTheOldTokenIsRefused() throws Exception {
        String oldToken = cluster.getJoinTokens().getWorker();
        Cluster rotating = io.orch.agent.pki.RootRotations.start(store.read(r -> r.cluster()).orElseThrow(), 1, Clock.systemUTC());
        store.updateAndWait(tx -> tx.update(rotating));
        io.orch.agent.pki.ClusterCa ca = io.orch.agent.pki.ClusterCa.of(rotating);
        // a manager that renewed onto the new root: what joining nodes meet during the rotation
        NodeCsr csr = NodeCredentials.generateCsr();
        NodeCredentials renewed = csr.complete(ca.issue(csr.csrDer(), "m1", NodeRole.MANAGER, List.of("127.0.0.1"),
                Duration.ofDays(1)), ca.trustedRootsPem());
        try (RpcServer rotated = new RpcServer(new InetSocketAddress("127.0.0.1", PORT + 1), renewed.serverContext(ClientAuth.OPTIONAL),
                List.of(new JoinService(store, new RaftMembership() {
                    @Override
                    public void addVoter(String nodeId, String raftAddr) {
                    }

                    @Override
                    public Map<String, String> voters() {
                        return Map.of();
                    }
                }, storeKey)), LiveRevocations.none(), Set.of()).start()) {
            JoinClient.Joined joined = JoinClient.join(rotating.getJoinTokens().getWorker(), "127.0.0.1", PORT + 1, "host-b",
                    "127.0.0.1:7011", "127.0.0.1:7012", List.of("process"), NodeDescription.getDefaultInstance());
            assertEquals(ca.trustedRoots(), joined.credentials().trustedRoots(), "it trusts both roots during the rotation");
            assertEquals(1, joined.credentials().intermediates().size(), "and sends the cross-signed intermediate");
            assertEquals(ca.signingRoot().certificate().getPublicKey(), joined.credentials().issuerPublicKey());

            JoinClient.JoinRefusedException refused = assertThrows(JoinClient.JoinRefusedException.class,
                    () -> JoinClient.join(oldToken, "127.0.0.1", PORT + 1, "host-c", "127.0.0.1:7021", "127.0.0.1:7022",
                            List.of("process"), NodeDescription.getDefaultInstance()));
            assertTrue(refused.getMessage().contains("another root CA"), refused.getMessage());
            assertEquals(1, store.read(r -> r.nodes()).size(), "only the node with the new token joined");
        }
    }

    @Test
    void aTokenOfAnotherClustersCaIsRefusedBeforeAnythingIsSent() {
        String foreign = io.orch.agent.pki.JoinToken.generate(RootCa.create("other")).value();
        JoinClient.JoinRefusedException refused = assertThrows(JoinClient.JoinRefusedException.class, () -> join(foreign));
        assertTrue(refused.getMessage().contains("CA digest mismatch"), refused.getMessage());
        assertEquals(0, store.read(r -> r.nodes()).size());
    }

    @Test
    void onlyANodeTheStoreCallsAManagerMayBecomeAVoter() throws Exception {
        JoinClient.Joined worker = join(cluster.getJoinTokens().getWorker());
        assertEquals(Status.Code.PERMISSION_DENIED, addVoter(worker.credentials()).getStatus().getCode());

        JoinClient.Joined manager = join(cluster.getJoinTokens().getManager());
        String id = manager.credentials().nodeId();
        assertEquals(null, addVoterOk(manager.credentials()));
        assertEquals("127.0.0.1:7003", voters.get(id));

        // demoted: its old manager certificate is still valid, but the store says worker
        voters.remove(id);
        store.updateAndWait(tx -> {
            Node n = tx.read().node(id).orElseThrow();
            tx.update(n.toBuilder().setSpec(n.getSpec().toBuilder().setRole(NodeSpec.Role.WORKER)).build());
        });
        assertEquals(Status.Code.PERMISSION_DENIED, addVoter(manager.credentials()).getStatus().getCode());
        assertFalse(voters.containsKey(id));
    }

    @Test
    void aDemotedManagerRenewsAsAWorkerOnlyOnceItIsOutOfTheRaftGroup() throws Exception {
        JoinClient.Joined manager = join(cluster.getJoinTokens().getManager());
        String id = manager.credentials().nodeId();
        voters.put(id, "127.0.0.1:7003");
        store.updateAndWait(tx -> {
            Node n = tx.read().node(id).orElseThrow();
            tx.update(n.toBuilder().setSpec(n.getSpec().toBuilder().setRole(NodeSpec.Role.WORKER)).build());
        });
        JoinClient.JoinRefusedException refused = assertThrows(JoinClient.JoinRefusedException.class,
                () -> JoinClient.renew(manager.credentials(), List.of(MANAGER)));
        assertTrue(refused.getMessage().contains("still a Raft voter"), refused.getMessage());
        assertTrue(voters.containsKey(id), "renewing never changes the Raft group (the leader's role loop does)");

        voters.remove(id); // the role loop removed it
        JoinClient.Joined renewed = JoinClient.renew(manager.credentials(), List.of(MANAGER));
        assertEquals(NodeRole.WORKER, renewed.credentials().role());
        assertEquals(id, renewed.credentials().nodeId());
        assertTrue(renewed.response().getStoreKey().isEmpty(), "a demoted manager's renewal carries no store key");
    }

    @Test
    void aPromotedWorkerGetsTheStoreKeyWhenItRenewsAsAManager() throws Exception {
        JoinClient.Joined worker = join(cluster.getJoinTokens().getWorker());
        String id = worker.credentials().nodeId();
        assertTrue(JoinClient.renew(worker.credentials(), List.of(MANAGER)).response().getStoreKey().isEmpty(),
                "still a worker: no key");
        store.updateAndWait(tx -> {
            Node n = tx.read().node(id).orElseThrow();
            tx.update(n.toBuilder().setSpec(n.getSpec().toBuilder().setRole(NodeSpec.Role.MANAGER)).build());
        });
        JoinClient.Joined promoted = JoinClient.renew(worker.credentials(), List.of(MANAGER));
        assertEquals(NodeRole.MANAGER, promoted.credentials().role());
        assertEquals(java.util.Optional.of(storeKey), io.orch.agent.seal.StoreKeyTransfer.decode(promoted.response().getStoreKey()));
    }

    @Test
    void underAutolockManagersGetTheUnlockKeyAtJoinAndPromotionAndWorkersNever() throws Exception {
        JoinClient.Joined before = join(cluster.getJoinTokens().getManager());
        assertTrue(before.response().getManagerUnlockKey().isEmpty(), "no autolock: no unlock key");
        store.updateAndWait(tx -> tx.update(io.orch.agent.seal.AutolockPolicy.applied(tx.read().cluster().orElseThrow(), true,
                false, new java.security.SecureRandom())));
        Cluster locked = store.read(r -> r.cluster()).orElseThrow();

        JoinClient.Joined manager = join(locked.getJoinTokens().getManager());
        assertEquals(locked.getManagerUnlockKey(), manager.response().getManagerUnlockKey(), "a new manager writes its keys encrypted at once");
        JoinClient.Joined worker = join(locked.getJoinTokens().getWorker());
        assertTrue(worker.response().getManagerUnlockKey().isEmpty(), "a worker never gets the unlock key");
        assertTrue(JoinClient.renew(worker.credentials(), List.of(MANAGER)).response().getManagerUnlockKey().isEmpty(),
                "nor in its renewal");
        String id = worker.credentials().nodeId();
        store.updateAndWait(tx -> {
            Node n = tx.read().node(id).orElseThrow();
            tx.update(n.toBuilder().setSpec(n.getSpec().toBuilder().setRole(NodeSpec.Role.MANAGER)).build());
        });
        assertEquals(locked.getManagerUnlockKey(),
                JoinClient.renew(worker.credentials(), List.of(MANAGER)).response().getManagerUnlockKey(), "a promoted worker gets it");
    }

    @Test
    void joinedAndRenewedCertificatesLastTheClustersCurrentNodeCertExpiry() throws Exception {
        JoinClient.Joined before = join(cluster.getJoinTokens().getWorker());
        assertEquals(Duration.ofDays(90), before.credentials().lifetime().length(), "the default");

        setCertExpiry(Duration.ofHours(2));
        assertEquals(Duration.ofHours(2), join(cluster.getJoinTokens().getWorker()).credentials().lifetime().length());
        assertEquals(Duration.ofHours(2), JoinClient.renew(before.credentials(), List.of(MANAGER)).credentials().lifetime().length(),
                "a renewal gets the lifetime the cluster sets now");
    }

    @Test
    void aNodeWhoseCertificateExpiredRenewsItByProvingItHoldsItsKey() throws Exception {
        JoinClient.Joined worker = join(cluster.getJoinTokens().getWorker());
        String id = worker.credentials().nodeId();
        NodeCredentials expired = issuedInThePast(id, NodeRole.WORKER, Duration.ofDays(3), Duration.ofHours(1));
        assertTrue(expired.expiredAt(Instant.now()));

        JoinClient.JoinRefusedException overTls = assertThrows(JoinClient.JoinRefusedException.class,
                () -> JoinClient.renew(expired, List.of(MANAGER)));
        assertTrue(overTls.getMessage().contains("cannot reach a manager"), "TLS refuses an expired certificate: " + overTls.getMessage());

        JoinClient.Joined renewed = JoinClient.renewExpired(expired, List.of(MANAGER));
        assertEquals(id, renewed.credentials().nodeId());
        assertEquals(NodeRole.WORKER, renewed.credentials().role());
        assertFalse(renewed.credentials().expiredAt(Instant.now()));
    }

    @Test
    void anExpiredCertificateIsNotRenewedLongAfterItsExpiryForAnotherRoleOrForANodeThatWasRemoved() throws Exception {
        String id = join(cluster.getJoinTokens().getWorker()).credentials().nodeId();

        NodeCredentials longExpired = issuedInThePast(id, NodeRole.WORKER, Duration.ofDays(40), Duration.ofHours(1));
        JoinClient.JoinRefusedException tooLate = assertThrows(JoinClient.JoinRefusedException.class,
                () -> JoinClient.renewExpired(longExpired, List.of(MANAGER)));
        assertTrue(tooLate.getMessage().contains("more than 30 days ago") && tooLate.getMessage().contains("join it again"),
                tooLate.getMessage());

        NodeCredentials asManager = issuedInThePast(id, NodeRole.MANAGER, Duration.ofDays(3), Duration.ofHours(1));
        JoinClient.JoinRefusedException otherRole = assertThrows(JoinClient.JoinRefusedException.class,
                () -> JoinClient.renewExpired(asManager, List.of(MANAGER)));
        assertTrue(otherRole.getMessage().contains("was made a worker while its certificate was expired")
                && otherRole.getMessage().contains("orch node promote " + id), otherRole.getMessage());

        store.updateAndWait(tx -> tx.delete(tx.read().node(id).orElseThrow()));
        NodeCredentials removed = issuedInThePast(id, NodeRole.WORKER, Duration.ofDays(3), Duration.ofHours(1));
        JoinClient.JoinRefusedException gone = assertThrows(JoinClient.JoinRefusedException.class,
                () -> JoinClient.renewExpired(removed, List.of(MANAGER)));
        assertTrue(gone.getMessage().contains("is not a member of this cluster"), gone.getMessage());
    }

    /** A certificate of this cluster's CA for {@code id}, issued {@code ago} for {@code lifetime}. */
    private NodeCredentials issuedInThePast(String id, NodeRole role, Duration ago, Duration lifetime) {
        RootCa then = RootCa.fromPem(cluster.getRootCa().getCaCertPem(), cluster.getRootCa().getCaKeyPem(),
                Clock.offset(Clock.systemUTC(), ago.negated()));
        NodeCsr csr = NodeCredentials.generateCsr();
        return csr.complete(then.issue(csr.csrDer(), id, role, List.of("127.0.0.1"), lifetime), then.certPem());
    }

    private void setCertExpiry(Duration expiry) throws Exception {
        store.updateAndWait(tx -> {
            Cluster c = tx.read().cluster().orElseThrow();
            tx.update(c.toBuilder().setSpec(c.getSpec().toBuilder()
                    .setCaConfig(CAConfig.newBuilder().setNodeCertExpiry(expiry.toNanos()))).build());
        });
    }

    private StatusRuntimeException addVoter(NodeCredentials as) {
        return assertThrows(StatusRuntimeException.class, () -> addVoterOk(as));
    }

    private Void addVoterOk(NodeCredentials as) throws IOException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", PORT)
                .sslContext(as.clientContext(NodeRole.MANAGER)).build();
        try {
            NodeJoinGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .addVoter(AddVoterRequest.newBuilder().setRaftAddr("127.0.0.1:7003").build());
            return null;
        } finally {
            channel.shutdownNow();
        }
    }
}
