package io.orch.agent.pki;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real TLS handshakes over loopback between nodes of one CA, and against nodes of another. */
class MutualTlsTest {
    private static RootCa ca;
    private static NodeCredentials manager;
    private static NodeCredentials worker;
    private static NodeCredentials stranger;

    @BeforeAll
    static void credentials() {
        ca = RootCa.create("cluster1");
        manager = NodeCredentials.selfIssued(ca, "manager1", NodeRole.MANAGER, List.of("127.0.0.1"));
        worker = NodeCredentials.selfIssued(ca, "worker1", NodeRole.WORKER, List.of("127.0.0.1"));
        stranger = NodeCredentials.selfIssued(RootCa.create("cluster2"), "stranger1", NodeRole.MANAGER, List.of("127.0.0.1"));
    }

    @Test
    void twoNodesOfOneCaTalkAndTheServerSeesTheCallersIdentity() throws Exception {
        try (TlsEchoServer server = new TlsEchoServer(manager.serverContext())) {
            assertEquals("worker1/WORKER/cluster1", server.whoAmI(worker.clientContext()));
            assertEquals("worker1/WORKER/cluster1", server.whoAmI(worker.clientContext(NodeRole.MANAGER)));
        }
    }

    @Test
    void theServerRefusesAClientCertificateFromAnotherCa() throws Exception {
        try (TlsEchoServer server = new TlsEchoServer(manager.serverContext())) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> server.whoAmI(stranger.clientContext()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        }
    }

    @Test
    void theClientRefusesAServerFromAnotherCa() throws Exception {
        try (TlsEchoServer server = new TlsEchoServer(stranger.serverContext(ClientAuth.OPTIONAL))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> server.whoAmI(worker.clientContext()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertTrue(causes(e).contains("not from this cluster's root CA"), causes(e));
        }
    }

    @Test
    void mutualTlsRequiresAClientCertificate() throws Exception {
        try (TlsEchoServer server = new TlsEchoServer(manager.serverContext())) {
            PinnedCaTrust noCertificate = PinnedCaTrust.forDigest(ca.digest());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> server.whoAmI(noCertificate.clientContext()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        }
    }

    @Test
    void anOptionalClientCertificateServerAdmitsAnonymousCallersButStillChecksCertificates() throws Exception {
        try (TlsEchoServer server = new TlsEchoServer(manager.serverContext(ClientAuth.OPTIONAL))) {
            assertEquals("anonymous", server.whoAmI(PinnedCaTrust.forDigest(ca.digest()).clientContext()));
            assertEquals("worker1/WORKER/cluster1", server.whoAmI(worker.clientContext()));
            assertThrows(StatusRuntimeException.class, () -> server.whoAmI(stranger.clientContext()));
        }
    }

    @Test
    void aClientThatRequiresAManagerRefusesAWorkerServer() throws Exception {
        try (TlsEchoServer server = new TlsEchoServer(worker.serverContext())) {
            assertEquals("manager1/MANAGER/cluster1", server.whoAmI(manager.clientContext()));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> server.whoAmI(manager.clientContext(NodeRole.MANAGER)));
            assertTrue(causes(e).contains("the peer is not a manager"), causes(e));
        }
    }

    /** Identity is the certificate (CN, OU, O under the cluster CA), not the address dialled: no host name check. */
    @Test
    void aServerIsTrustedWhateverAddressItWasDialledAt() throws Exception {
        NodeCredentials noSans = NodeCredentials.selfIssued(ca, "manager2", NodeRole.MANAGER, List.of());
        try (TlsEchoServer server = new TlsEchoServer(noSans.serverContext())) {
            assertEquals("worker1/WORKER/cluster1", server.whoAmI(worker.clientContext(NodeRole.MANAGER)));
        }
    }

    /** The javax.net.ssl managers work on their own too, with plain JDK sockets. */
    @Test
    void jdkSocketsWithTheSameManagers() throws Exception {
        try (SSLServerSocket listener = serverSocket(manager)) {
            CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    PeerIdentity id = PeerIdentity.fromSslSession(s.getSession());
                    s.getOutputStream().write(1);
                    return id.nodeId() + "/" + id.role();
                } catch (IOException e) {
                    return "refused: " + e.getMessage();
                }
            });
            try (SSLSocket client = clientSocket(worker, listener.getLocalPort())) {
                client.startHandshake();
                assertEquals(1, client.getInputStream().read());
                assertEquals("manager1", PeerIdentity.fromSslSession(client.getSession()).nodeId());
            }
            assertEquals("worker1/WORKER", accepted.get(10, TimeUnit.SECONDS));

            CompletableFuture<String> refused = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.startHandshake();
                    s.getOutputStream().write(1);
                    return "accepted";
                } catch (IOException e) {
                    return "refused: " + e.getMessage();
                }
            });
            try (SSLSocket client = clientSocket(stranger, listener.getLocalPort())) {
                assertThrows(SSLException.class, () -> {
                    client.startHandshake();
                    client.getInputStream().read();
                });
            }
            assertTrue(refused.get(10, TimeUnit.SECONDS).startsWith("refused: "), "the server refused the stranger");
        }
    }

    private static SSLServerSocket serverSocket(NodeCredentials credentials) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(credentials.keyManagerFactory().getKeyManagers(), credentials.trustManagerFactory().getTrustManagers(), null);
        for (int port = 21090; port <= 21099; port++) {
            try {
                SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory()
                        .createServerSocket(port, 5, InetAddress.getLoopbackAddress());
                socket.setNeedClientAuth(true);
                return socket;
            } catch (java.net.BindException e) {
                // try the next port of this helper's range
            }
        }
        throw new IllegalStateException("no free port in 21090-21099");
    }

    private static SSLSocket clientSocket(NodeCredentials credentials, int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(new javax.net.ssl.KeyManager[] {credentials.x509KeyManager()},
                new javax.net.ssl.TrustManager[] {credentials.x509TrustManager()}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    static String causes(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append(" <- ");
        }
        return b.toString();
    }
}
