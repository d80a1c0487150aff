package io.orch.agent.pki;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * A cluster trust manager that also refuses revoked certificates at the handshake, and records
 * each connection it admits so that it can be closed when its peer is revoked later
 * ({@link PeerConnections}).
 */
final class RevocationTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager chain;
    private final LiveRevocations revocations;
    private final PeerRevocation handshake;
    private final PeerRevocation keepOpen;

    /**
     * @param chain     the cluster CA check (chain, validity, role)
     * @param handshake which revoked peers the handshake refuses
     * @param keepOpen  which revoked peers lose their established connections (at least those
     *                  {@code handshake} refuses)
     */
    RevocationTrustManager(X509ExtendedTrustManager chain, LiveRevocations revocations,
                           PeerRevocation handshake, PeerRevocation keepOpen) {
        this.chain = chain;
        this.revocations = revocations;
        this.handshake = handshake;
        this.keepOpen = keepOpen;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        chain.checkClientTrusted(certs, authType);
        admit(certs, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        chain.checkServerTrusted(certs, authType);
        admit(certs, null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(certs, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(certs, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
        chain.checkClientTrusted(certs, authType, engine);
        admit(certs, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
        chain.checkServerTrusted(certs, authType, engine);
        admit(certs, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chain.getAcceptedIssuers();
    }

    private void admit(X509Certificate[] certs, SSLEngine engine) throws CertificateException {
        PeerIdentity peer;
        try {
            peer = PeerIdentity.fromCertificate(certs[0]);
        } catch (IllegalArgumentException e) {
            throw new CertificateException(e.getMessage());
        }
        RevocationList list = revocations.current();
        Instant now = revocations.now();
        refuseIfPresent(handshake.refusal(peer, list, now));
        boolean refusedAlready = keepOpen.refusal(peer, list, now).isPresent();
        if (engine != null) {
            revocations.connections().admitted(engine, peer, keepOpen, refusedAlready);
        }
        // a list swapped in meanwhile may have been swept before this connection was recorded
        RevocationList after = revocations.current();
        if (after != list) {
            refuseIfPresent(handshake.refusal(peer, after, now));
            Optional<String> keep = keepOpen.refusal(peer, after, now);
            if (!refusedAlready) {
                refuseIfPresent(keep);
            }
        }
    }

    private static void refuseIfPresent(Optional<String> refusal) throws CertificateException {
        if (refusal.isPresent()) {
            throw new CertificateException(refusal.get());
        }
    }

    /** Wraps a trust manager that is not an extended one (the JDK's always are). */
    static X509ExtendedTrustManager extended(X509TrustManager tm) {
        if (tm instanceof X509ExtendedTrustManager x) {
            return x;
        }
        throw new IllegalArgumentException("not an X509ExtendedTrustManager: " + tm.getClass().getName());
    }
}
