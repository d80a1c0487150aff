package io.orch.agent.rpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.orch.agent.pki.LiveRevocations;
import io.orch.agent.pki.PeerIdentity;
import io.orch.agent.pki.RevocationList;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses every call whose caller's certificate is revoked, on connections made before the
 * revocation too (TLS judged the certificate only at the handshake): a removed node is refused
 * with UNAUTHENTICATED; a demoted manager's manager certificate with PERMISSION_DENIED, except on
 * {@code renewMethods} (the Renew RPC), through which it gets its worker certificate. Calls
 * without a certificate (a joining node) pass: their services check the caller themselves.
 */
final class RevokedCallerInterceptor implements ServerInterceptor {
    private final LiveRevocations revocations;
    private final Set<String> renewMethods;

    RevokedCallerInterceptor(LiveRevocations revocations, Set<String> renewMethods) {
        this.revocations = revocations;
        this.renewMethods = Set.copyOf(renewMethods);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        Optional<Status> refused = refusal(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION),
                call.getMethodDescriptor().getFullMethodName());
        if (refused.isPresent()) {
            call.close(refused.get(), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }

    Optional<Status> refusal(SSLSession session, String method) {
        RevocationList list = revocations.current();
        if (list.isEmpty()) {
            return Optional.empty();
        }
        Optional<PeerIdentity> caller = caller(session);
        if (caller.isEmpty()) {
            return Optional.empty();
        }
        PeerIdentity peer = caller.get();
        Instant now = revocations.now();
        Optional<String> why = list.refusal(peer.nodeId(), peer.role(), now);
        if (why.isEmpty()) {
            return Optional.empty();
        }
        if (list.removed(peer.nodeId(), now)) {
            return Optional.of(Status.UNAUTHENTICATED.withDescription(why.get()));
        }
        if (renewMethods.contains(method)) {
            return Optional.empty();
        }
        return Optional.of(Status.PERMISSION_DENIED.withDescription(why.get() + "; it may only renew its certificate"));
    }

    private static Optional<PeerIdentity> caller(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        try {
            return Optional.of(PeerIdentity.fromCertificate(leaf));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a node certificate: the services refuse it themselves
        }
    }
}
