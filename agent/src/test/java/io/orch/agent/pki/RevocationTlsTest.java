package io.orch.agent.pki;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.handler.ssl.ClientAuth;
import io.grpc.stub.ClientCalls;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Node;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Revocation at the TLS layer: real handshakes over loopback, and connections made before the revocation. */
class RevocationTlsTest {
    private static RootCa ca;
    private static NodeCredentials manager;
    private static NodeCredentials worker;
    private static NodeCredentials demoted;

    @BeforeAll
    static void credentials() {
        ca = RootCa.create("cluster1");
        manager = NodeCredentials.selfIssued(ca, "manager1", NodeRole.MANAGER, List.of("127.0.0.1"));
        worker = NodeCredentials.selfIssued(ca, "worker1", NodeRole.WORKER, List.of("127.0.0.1"));
        demoted = NodeCredentials.selfIssued(ca, "manager2", NodeRole.MANAGER, List.of("127.0.0.1"));
    }

    private static RevocationList removed(String nodeId) {
        return RevocationList.of(RevocationEdits.nodeRemoved(Cluster.getDefaultInstance(),
                Node.newBuilder().setId(nodeId).build(), Instant.now()).getRevokedList());
    }

    private static RevocationList demoted(String nodeId) {
        return RevocationList.of(RevocationEdits.managerDemoted(Cluster.getDefaultInstance(),
                Node.newBuilder().setId(nodeId).build(), Instant.now()).getRevokedList());
    }

    private static String whoAmI(ManagedChannel channel) {
        return ClientCalls.blockingUnaryCall(channel, TlsEchoServer.WHO_AM_I,
                CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "hi");
    }

    @Test
    void theHandshakeRefusesARemovedNodesCertificate() throws Exception {
        LiveRevocations revocations = LiveRevocations.none();
        LiveCredentials server = LiveCredentials.of(manager, revocations);
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(ClientAuth.REQUIRE))) {
            assertEquals("worker1/WORKER/cluster1", echo.whoAmI(worker.clientContext()));
            revocations.replace(removed("worker1"));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> echo.whoAmI(worker.clientContext()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertEquals("manager1/MANAGER/cluster1", echo.whoAmI(manager.clientContext()));
        }
    }

    @Test
    void aConnectionMadeBeforeTheRevocationIsClosedAndCannotBeMadeAgain() throws Exception {
        LiveRevocations revocations = LiveRevocations.none();
        LiveCredentials server = LiveCredentials.of(manager, revocations);
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(ClientAuth.REQUIRE))) {
            ManagedChannel channel = echo.channel(worker.clientContext());
            try {
                assertEquals("worker1/WORKER/cluster1", whoAmI(channel));
                assertEquals(1, revocations.connections().size());
                revocations.replace(removed("worker1"));
                // the echo service checks nothing per call: only the closed connection refuses it
                await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                        assertThrows(StatusRuntimeException.class, () -> whoAmI(channel)));
                assertThrows(StatusRuntimeException.class, () -> whoAmI(channel));
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void theManagersListenerLetsADemotedManagerThroughTheHandshakeButNotARemovedNode() throws Exception {
        LiveRevocations revocations = LiveRevocations.none();
        LiveCredentials server = LiveCredentials.of(manager, revocations);
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(ClientAuth.OPTIONAL, PeerRevocation.REMOVED_ONLY))) {
            revocations.replace(demoted("manager2"));
            assertEquals("manager2/MANAGER/cluster1", echo.whoAmI(demoted.clientContext()));
            revocations.replace(removed("manager2"));
            assertThrows(StatusRuntimeException.class, () -> echo.whoAmI(demoted.clientContext()));
        }
    }

    @Test
    void aStrictListenerRefusesADemotedManagersManagerCertificate() throws Exception {
        LiveRevocations revocations = LiveRevocations.none();
        LiveCredentials server = LiveCredentials.of(worker, revocations);
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(ClientAuth.REQUIRE))) {
            revocations.replace(demoted("manager2"));
            assertThrows(StatusRuntimeException.class, () -> echo.whoAmI(demoted.clientContext()));
            assertEquals("manager1/MANAGER/cluster1", echo.whoAmI(manager.clientContext()));
        }
    }

    @Test
    void aClientRefusesARevokedServer() throws Exception {
        LiveRevocations revocations = LiveRevocations.none();
        LiveCredentials client = LiveCredentials.of(worker, revocations);
        try (TlsEchoServer echo = new TlsEchoServer(demoted.serverContext(ClientAuth.REQUIRE))) {
            assertEquals("worker1/WORKER/cluster1", echo.whoAmI(client.clientContext(NodeRole.MANAGER)));
            revocations.replace(demoted("manager2"));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> echo.whoAmI(client.clientContext(NodeRole.MANAGER)));
            assertTrue(MutualTlsTest.causes(e).contains("certificate revoked"), MutualTlsTest.causes(e));
        }
    }

    @Test
    void theRaftTrustManagerRefusesADemotedManagerOnceItLeftTheVoters() throws Exception {
        LiveRevocations revocations = LiveRevocations.none();
        revocations.replace(demoted("manager2"));
        java.util.concurrent.atomic.AtomicBoolean voter = new java.util.concurrent.atomic.AtomicBoolean(true);
        LiveCredentials live = LiveCredentials.of(manager, revocations);
        javax.net.ssl.X509TrustManager raft = live.trustManager(NodeRole.MANAGER, PeerRevocation.raft(id -> voter.get()));
        java.security.cert.X509Certificate[] chain = {demoted.certificate(), demoted.trustedRoots().get(0)};
        raft.checkClientTrusted(chain, "RSA");
        voter.set(false);
        java.security.cert.CertificateException e = assertThrows(java.security.cert.CertificateException.class,
                () -> raft.checkClientTrusted(chain, "RSA"));
        assertTrue(e.getMessage().contains("certificate revoked"), e.getMessage());
    }
}
