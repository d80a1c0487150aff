package io.orch.agent.join;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.orch.agent.pki.ExpiredCertificateProof;
import io.orch.agent.pki.JoinToken;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeCsr;
import io.orch.agent.pki.PinnedCaTrust;
import io.orch.api.proto.JoinRequest;
import io.orch.api.proto.JoinResponse;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeJoinGrpc;
import io.orch.api.proto.RenewRequest;
import io.orch.agent.pki.NodeRole;
import com.google.protobuf.ByteString;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The joining node's side: proves nothing but the token (it has no certificate yet), trusts the
 * manager only if the manager's chain ends in the CA the token names, and gets its certificate
 * for a key that never leaves this node.
 */
public final class JoinClient {
    static final long DEADLINE_SECONDS = 15;

    /** What the manager handed out, plus this node's credentials (not yet saved). */
    public record Joined(JoinResponse response, NodeCredentials credentials) {}

    /** A join that did not happen; the message is one line for the operator. */
    public static final class JoinRefusedException extends Exception {
        public JoinRefusedException(String message) {
            super(message);
        }
    }

    private JoinClient() {}

    public static Joined join(String token, String managerHost, int managerPort, String hostname, String listenAddr,
                              String gossipAddr, List<String> runtimes, NodeDescription description)
            throws JoinRefusedException {
        JoinToken parsed;
        try {
            parsed = JoinToken.parse(token);
        } catch (IllegalArgumentException e) {
            throw new JoinRefusedException(e.getMessage());
        }
        NodeCsr csr = NodeCredentials.generateCsr();
        PinnedCaTrust trust = PinnedCaTrust.forToken(parsed);
        ManagedChannel channel = NettyChannelBuilder.forAddress(managerHost, managerPort)
                .sslContext(trust.clientContext())
                .build();
        String manager = managerHost + ":" + managerPort;
        try {
            JoinResponse response = NodeJoinGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .join(JoinRequest.newBuilder()
                            .setToken(parsed.value())
                            .setCsr(ByteString.copyFrom(csr.csrDer()))
                            .setHostname(hostname)
                            .setListenAddr(listenAddr)
                            .setGossipAddr(gossipAddr)
                            .addAllRuntimes(runtimes)
                            .setDescription(description)
                            .build());
            NodeCredentials credentials = csr.complete(response.getCertificatePem(), response.getCaCertificatePem());
            if (!trust.pinnedCa().map(credentials.trustedRoots()::contains).orElse(false)) {
                throw new JoinRefusedException("join refused: the manager sent a root CA other than the one its TLS proved");
            }
            if (!credentials.nodeId().equals(response.getNodeId())) {
                throw new JoinRefusedException("join failed: the manager issued a certificate for another node id");
            }
            return new Joined(response, credentials);
        } catch (StatusRuntimeException e) {
            throw new JoinRefusedException(explain(e, manager));
        } catch (IllegalArgumentException e) {
            throw new JoinRefusedException("join failed: the manager's answer is unusable: " + e.getMessage());
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * A new certificate (for a new key) for the role the cluster now gives this node, from the
     * first of {@code managers} that answers; the caller proves who it is with its current one.
     */
    public static Joined renew(NodeCredentials current, List<String> managers) throws JoinRefusedException {
        NodeCsr csr = NodeCredentials.generateCsr();
        RenewRequest request = RenewRequest.newBuilder().setCsr(ByteString.copyFrom(csr.csrDer())).build();
        return renew(current, csr, request, current.clientContext(NodeRole.MANAGER), managers);
    }

    /**
     * The same for a node whose certificate expired, which TLS refuses: it connects without one,
     * trusting managers of the root CA it kept, and proves who it is with the expired certificate
     * ({@link ExpiredCertificateProof}); only for the role that certificate names.
     */
    public static Joined renewExpired(NodeCredentials expired, List<String> managers) throws JoinRefusedException {
        NodeCsr csr = NodeCredentials.generateCsr();
        RenewRequest request = RenewRequest.newBuilder()
                .setCsr(ByteString.copyFrom(csr.csrDer()))
                .setExpiredCertificatePem(expired.certPem())
                .setExpiredCertificateProof(ByteString.copyFrom(ExpiredCertificateProof.sign(expired, csr.csrDer())))
                .build();
        return renew(expired, csr, request, expired.anonymousClientContext(NodeRole.MANAGER), managers);
    }

    private static Joined renew(NodeCredentials current, NodeCsr csr, RenewRequest request, SslContext tls,
                                List<String> managers) throws JoinRefusedException {
        String last = "no manager address known";
        for (String manager : managers) {
            int colon = manager.lastIndexOf(':');
            ManagedChannel channel = NettyChannelBuilder.forAddress(manager.substring(0, colon),
                    Integer.parseInt(manager.substring(colon + 1))).sslContext(tls).build();
            try {
                JoinResponse response = NodeJoinGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .renew(request);
                NodeCredentials renewed = csr.complete(response.getCertificatePem(), response.getCaCertificatePem());
                if (!renewed.nodeId().equals(current.nodeId()) || !renewed.trustsAnyOf(current.trustedRoots())) {
                    last = "the manager at " + manager + " issued a certificate for another node or root CA";
                    continue;
                }
                return new Joined(response, renewed);
            } catch (StatusRuntimeException e) {
                last = explain(e, manager);
            } catch (IllegalArgumentException e) {
                last = "the answer of the manager at " + manager + " is unusable: " + e.getMessage();
            } finally {
                channel.shutdownNow();
            }
        }
        throw new JoinRefusedException("certificate renewal failed: " + last);
    }

    static String explain(StatusRuntimeException e, String manager) {
        if (PinnedCaTrust.isDigestMismatch(e)) {
            return "join refused: the manager at " + manager + " has another root CA than the one the token names (CA digest mismatch)";
        }
        Status status = e.getStatus();
        return switch (status.getCode()) {
            case PERMISSION_DENIED, INVALID_ARGUMENT, UNAUTHENTICATED -> "join refused by " + manager + ": " + status.getDescription();
            case DEADLINE_EXCEEDED -> "join failed: the manager at " + manager + " did not answer within " + DEADLINE_SECONDS + " s";
            case UNAVAILABLE -> "join failed: cannot reach a manager at " + manager + ": "
                    + (status.getDescription() != null ? status.getDescription() : String.valueOf(status.getCause()));
            default -> "join failed: " + status.getCode() + ": " + status.getDescription();
        };
    }
}
