package io.orch.agent.pki;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * A trust manager that checks each handshake against the roots {@link LiveCredentials} trusts at
 * that moment: for a TLS stack that takes its trust manager once (the Raft transport), so a root
 * rotation's new root is trusted, and its old root dropped, without restarting it.
 */
final class LiveTrustManager extends ChainOnlyTrustManager {
    private final LiveCredentials live;
    private final NodeRole peerRole;
    private record Built(NodeCredentials credentials, javax.net.ssl.X509TrustManager trust) {}
    /** The trust manager of the credentials held at the last handshake (built again only when they change). */
    private volatile Built built;

    LiveTrustManager(LiveCredentials live, NodeRole peerRole) {
        this.live = live;
        this.peerRole = peerRole;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        current().checkServerTrusted(chain, authType);
    }

    private javax.net.ssl.X509TrustManager current() {
        NodeCredentials now = live.current();
        Built b = built;
        if (b == null || b.credentials() != now) {
            b = new Built(now, now.x509TrustManager(peerRole));
            built = b;
        }
        return b.trust();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return live.current().trustedRoots().toArray(new X509Certificate[0]);
    }
}
