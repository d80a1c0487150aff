package io.orch.packaging.cluster;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.orch.agent.pki.NodeCsr;
import io.orch.api.proto.DispatcherGrpc;
import io.orch.api.proto.JoinResponse;
import io.orch.api.proto.LogChunk;
import io.orch.api.proto.ManagerMessage;
import io.orch.api.proto.NodeJoinGrpc;
import io.orch.api.proto.NodeLogsGrpc;
import io.orch.api.proto.RenewRequest;
import io.orch.api.proto.TailRequest;
import io.orch.api.proto.WorkerHeartbeat;
import io.orch.api.proto.WorkerHello;
import io.orch.api.proto.WorkerMessage;

import javax.net.ssl.SSLException;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Node-to-node RPCs as a holder of some saved node certificate calls them, each answered with
 * what the callee did: served the call, refused the certificate (a gRPC status naming the
 * revocation, or a TLS handshake that failed: TLS carries no reason), or something else (which
 * a test reports as is). A call that reached the service and failed there for another reason (a
 * task that does not exist) counts as served: the certificate was accepted.
 */
final class PeerRpcProbe {
    private static final long CALL_SECONDS = 3;

    enum Kind { SERVED, REFUSED, OTHER }

    /** @param atNanos when the answer came ({@link System#nanoTime()}), before any clean-up of the probe */
    record Outcome(Kind kind, String detail, long atNanos) {
        Outcome(Kind kind, String detail) {
            this(kind, detail, System.nanoTime());
        }

        boolean served() {
            return kind == Kind.SERVED;
        }

        boolean refused() {
            return kind == Kind.REFUSED;
        }

        @Override
        public String toString() {
            return kind + " (" + detail + ")";
        }
    }

    private PeerRpcProbe() {
    }

    /** A new channel to {@code node}'s RPC listener presenting {@code as}. */
    static ManagedChannel channel(SavedNodeCertificate as, AgentNode node) {
        return NettyChannelBuilder.forAddress(node.host.ip(), node.port).sslContext(as.grpcClient()).build();
    }

    static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A dispatcher session opened on a new connection: served once the manager sends its first message. */
    static Outcome dispatcher(SavedNodeCertificate as, AgentNode manager) {
        ManagedChannel channel = channel(as, manager);
        try (HeldSession session = HeldSession.open(channel)) {
            return session.firstAnswer();
        } finally {
            close(channel);
        }
    }

    /** The node-logs RPC of {@code node} on a new connection, for a task it does not have. */
    static Outcome nodeLogs(SavedNodeCertificate as, AgentNode node) {
        ManagedChannel channel = channel(as, node);
        try {
            return nodeLogs(channel);
        } finally {
            close(channel);
        }
    }

    /** The node-logs RPC on {@code channel} (a connection it may already have). */
    static Outcome nodeLogs(ManagedChannel channel) {
        try {
            Iterator<LogChunk> chunks = NodeLogsGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                    .tail(TailRequest.newBuilder().setTaskId("no-such-task").setStdout(true).setTail(1).build());
            while (chunks.hasNext()) {
                chunks.next();
            }
            return new Outcome(Kind.SERVED, "the stream ended normally");
        } catch (StatusRuntimeException e) {
            return judge(e);
        }
    }

    /** What Renew gave, presenting {@code as}: the certificate, or why not. */
    record Renewal(Outcome outcome, X509Certificate issued) {}

    /** A certificate request for a fresh key, made ahead (a key pair takes a while on a cold JVM). */
    static ByteString csr() {
        return ByteString.copyFrom(NodeCsr.generate().csrDer());
    }

    static Renewal renew(SavedNodeCertificate as, AgentNode manager, ByteString csr) {
        ManagedChannel channel = channel(as, manager);
        try {
            JoinResponse r = NodeJoinGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                    .renew(RenewRequest.newBuilder().setCsr(csr).build());
            X509Certificate issued = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(r.getCertificatePem().getBytes(StandardCharsets.US_ASCII)));
            return new Renewal(new Outcome(Kind.SERVED, "issued " + issued.getSubjectX500Principal().getName()), issued);
        } catch (StatusRuntimeException e) {
            return new Renewal(judge(e), null);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("Renew answered an unreadable certificate", e);
        } finally {
            close(channel);
        }
    }

    /**
     * Refused: UNAUTHENTICATED or PERMISSION_DENIED naming the revocation, or a connection whose
     * TLS handshake failed. Served: any status a service answers once it took the call.
     */
    static Outcome judge(StatusRuntimeException e) {
        Status s = e.getStatus();
        String description = String.valueOf(s.getDescription());
        switch (s.getCode()) {
            case UNAUTHENTICATED, PERMISSION_DENIED -> {
                return description.contains("revoked") ? new Outcome(Kind.REFUSED, s.getCode() + ": " + description)
                        : new Outcome(Kind.OTHER, s.getCode() + " for another reason: " + description);
            }
            case UNAVAILABLE -> {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof SSLException) {
                        return new Outcome(Kind.REFUSED, "TLS: " + t.getMessage());
                    }
                }
                return new Outcome(Kind.OTHER, s.getCode() + ": " + description + " (" + e.getCause() + ")");
            }
            case NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION, OK -> {
                return new Outcome(Kind.SERVED, s.getCode() + ": " + description);
            }
            default -> {
                return new Outcome(Kind.OTHER, s.getCode() + ": " + description);
            }
        }
    }

    /**
     * A dispatcher session kept open on its channel, as a worker keeps one (it answers each of the
     * manager's heartbeats, so the manager does not end it for silence): how it was first
     * answered, and how it ended.
     */
    static final class HeldSession implements AutoCloseable {
        private final CompletableFuture<Outcome> first = new CompletableFuture<>();
        private final CompletableFuture<Outcome> ended = new CompletableFuture<>();
        private volatile StreamObserver<WorkerMessage> requests;

        private HeldSession(ManagedChannel channel) {
            this.requests = DispatcherGrpc.newStub(channel).session(new StreamObserver<>() {
                @Override
                public void onNext(ManagerMessage value) {
                    first.complete(new Outcome(Kind.SERVED, "first message: " + value.getKindCase()));
                    if (value.hasHeartbeat()) {
                        heartbeat();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    Outcome o = t instanceof StatusRuntimeException e ? judge(e) : new Outcome(Kind.OTHER, t.toString());
                    first.complete(o);
                    ended.complete(o);
                }

                @Override
                public void onCompleted() {
                    Outcome o = new Outcome(Kind.OTHER, "the manager completed the session");
                    first.complete(o);
                    ended.complete(o);
                }
            });
            synchronized (this) {
                requests.onNext(WorkerMessage.newBuilder().setHello(WorkerHello.getDefaultInstance()).build());
            }
        }

        private synchronized void heartbeat() {
            if (requests == null) {
                return; // the next heartbeat is answered
            }
            try {
                requests.onNext(WorkerMessage.newBuilder().setHeartbeat(WorkerHeartbeat.getDefaultInstance()).build());
            } catch (RuntimeException e) {
                // the call ended meanwhile: onError says how
            }
        }

        static HeldSession open(ManagedChannel channel) {
            return new HeldSession(channel);
        }

        Outcome firstAnswer() {
            return await(first);
        }

        /** Empty while the session is open. */
        java.util.Optional<Outcome> endedWith() {
            return java.util.Optional.ofNullable(ended.getNow(null));
        }

        private static Outcome await(CompletableFuture<Outcome> f) {
            try {
                return f.get(CALL_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                return new Outcome(Kind.OTHER, "no answer within " + CALL_SECONDS + " s");
            } catch (ExecutionException e) {
                return new Outcome(Kind.OTHER, e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(Kind.OTHER, "interrupted");
            }
        }

        @Override
        public synchronized void close() {
            try {
                requests.onCompleted();
            } catch (RuntimeException e) {
                // the call is over already
            }
        }
    }
}
