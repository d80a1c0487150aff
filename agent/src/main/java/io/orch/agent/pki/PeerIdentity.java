package io.orch.agent.pki;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * Who called, as the peer's certificate says (the TLS layer has already checked it chains to the
 * cluster CA): CN = node id, OU = role, O = cluster id. gRPC services authorise callers with it.
 */
public record PeerIdentity(String nodeId, NodeRole role, String clusterId) {

    /**
     * @throws IllegalArgumentException if the session has no peer certificate (a joining node) or
     *     the certificate is not a node certificate
     */
    public static PeerIdentity fromSslSession(SSLSession session) {
        if (session == null) {
            throw new IllegalArgumentException("the connection is not TLS");
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new IllegalArgumentException("the peer presented no certificate");
        }
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            throw new IllegalArgumentException("the peer presented no certificate");
        }
        return fromCertificate(leaf);
    }

    /** @throws IllegalArgumentException if the certificate lacks the node id, role or cluster id */
    public static PeerIdentity fromCertificate(X509Certificate certificate) {
        String nodeId = Subjects.cn(certificate);
        String clusterId = Subjects.o(certificate);
        if (nodeId.isEmpty() || clusterId.isEmpty()) {
            throw new IllegalArgumentException("the peer certificate has no node id (CN) or cluster id (O)");
        }
        return new PeerIdentity(nodeId, NodeRole.fromOu(Subjects.ou(certificate)), clusterId);
    }

    public boolean isManager() {
        return role == NodeRole.MANAGER;
    }
}
