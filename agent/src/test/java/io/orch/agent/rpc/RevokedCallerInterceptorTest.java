package io.orch.agent.rpc;

import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.orch.agent.pki.LiveCredentials;
import io.orch.agent.pki.LiveRevocations;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.PeerRevocation;
import io.orch.agent.pki.RevocationEdits;
import io.orch.agent.pki.RevocationList;
import io.orch.agent.pki.RootCa;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-call check on a real RpcServer: calls on a connection made before the revocation are
 * refused at once, and a demoted manager may still call the Renew method and nothing else.
 */
class RevokedCallerInterceptorTest {
    private static final MethodDescriptor<String, String> ECHO = method("orch.test.Echo/Echo");
    private static final MethodDescriptor<String, String> RENEW = method("orch.test.Echo/Renew");

    private final RootCa ca = RootCa.create("cluster1");
    private final NodeCredentials manager = NodeCredentials.selfIssued(ca, "manager1", NodeRole.MANAGER, List.of("127.0.0.1"));
    private final LiveRevocations revocations = LiveRevocations.none();
    private RpcServer server;

    @BeforeEach
    void start() throws IOException {
        ServerServiceDefinition echo = ServerServiceDefinition.builder("orch.test.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                }))
                .addMethod(RENEW, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext("renewed " + request);
                    response.onCompleted();
                }))
                .build();
        BindableService service = () -> echo;
        // the managers' listener: a demoted manager passes the handshake, the calls decide
        server = new RpcServer(new InetSocketAddress("127.0.0.1", 0),
                LiveCredentials.of(manager, revocations).serverContext(ClientAuth.OPTIONAL, PeerRevocation.REMOVED_ONLY),
                List.of(service), revocations, Set.of(RENEW.getFullMethodName())).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aDemotedManagersCallsAreRefusedOnItsOpenConnectionExceptRenew() {
        NodeCredentials demoted = NodeCredentials.selfIssued(ca, "manager2", NodeRole.MANAGER, List.of("127.0.0.1"));
        ManagedChannel channel = channel(demoted);
        try {
            assertEquals("hi", call(channel, ECHO));
            revocations.replace(RevocationList.of(RevocationEdits.managerDemoted(Cluster.getDefaultInstance(),
                    Node.newBuilder().setId("manager2").build(), Instant.now()).getRevokedList()));
            // its connection is closed (a stream it held open ends); it dials again, and the
            // handshake lets it through for Renew only
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(channel, ECHO));
                assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
                assertTrue(e.getStatus().getDescription().contains("certificate revoked"), e.getStatus().getDescription());
            });
            assertEquals("renewed hi", call(channel, RENEW));
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void aRemovedNodeIsRefusedEvenRenew() {
        NodeCredentials worker = NodeCredentials.selfIssued(ca, "worker1", NodeRole.WORKER, List.of("127.0.0.1"));
        ManagedChannel channel = channel(worker);
        try {
            assertEquals("hi", call(channel, ECHO));
            revocations.replace(RevocationList.of(RevocationEdits.nodeRemoved(Cluster.getDefaultInstance(),
                    Node.newBuilder().setId("worker1").build(), Instant.now()).getRevokedList()));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(channel, RENEW));
            assertTrue(e.getStatus().getCode() == Status.Code.UNAUTHENTICATED || e.getStatus().getCode() == Status.Code.UNAVAILABLE,
                    e.getStatus().toString());
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void othersAreServedAsBefore() {
        NodeCredentials worker = NodeCredentials.selfIssued(ca, "worker3", NodeRole.WORKER, List.of("127.0.0.1"));
        revocations.replace(RevocationList.of(RevocationEdits.nodeRemoved(Cluster.getDefaultInstance(),
                Node.newBuilder().setId("worker1").build(), Instant.now()).getRevokedList()));
        ManagedChannel channel = channel(worker);
        try {
            assertEquals("hi", call(channel, ECHO));
        } finally {
            channel.shutdownNow();
        }
    }

    private ManagedChannel channel(NodeCredentials caller) {
        return NettyChannelBuilder.forAddress("127.0.0.1", server.port()).sslContext(caller.clientContext()).build();
    }

    private static String call(ManagedChannel channel, MethodDescriptor<String, String> method) {
        return ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "hi");
    }

    private static MethodDescriptor<String, String> method(String name) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(name)
                .setRequestMarshaller(new Utf8())
                .setResponseMarshaller(new Utf8())
                .build();
    }

    private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
