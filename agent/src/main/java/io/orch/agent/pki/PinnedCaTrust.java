package io.orch.agent.pki;

import io.netty.handler.ssl.SslContext;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * TLS trust for a node that is joining and has no certificate yet (trust on first use, pinned by
 * the join token, as in Swarm): the manager's chain must contain a self-signed CA certificate
 * whose {@link CaDigest} is the token's, the chain must verify against that CA, and the server's
 * certificate must be a manager's. Otherwise the handshake fails with a message that starts with
 * {@value #DIGEST_MISMATCH} (wrong CA) or says why; the token's secret is only sent after this
 * succeeded. After a successful handshake {@link #pinnedCa()} is the cluster's root CA.
 */
public final class PinnedCaTrust extends ChainOnlyTrustManager {
    public static final String DIGEST_MISMATCH = "CA digest mismatch";

    private final String expectedDigest;
    private final AtomicReference<X509Certificate> pinned = new AtomicReference<>();

    private PinnedCaTrust(String expectedDigest) {
        this.expectedDigest = expectedDigest;
    }

    public static PinnedCaTrust forToken(JoinToken token) {
        return new PinnedCaTrust(token.caDigest());
    }

    public static PinnedCaTrust forDigest(String caDigest) {
        if (caDigest == null || caDigest.length() != CaDigest.LENGTH || !Base36.isBase36(caDigest)) {
            throw new IllegalArgumentException("invalid CA digest: expected " + CaDigest.LENGTH + " base-36 characters");
        }
        return new PinnedCaTrust(caDigest);
    }

    /** gRPC client context that presents no certificate and trusts only the pinned CA. */
    public SslContext clientContext() {
        return TlsContexts.anonymousClient(this);
    }

    /** The root CA the server proved it belongs to, once a handshake succeeded. */
    public Optional<X509Certificate> pinnedCa() {
        return Optional.ofNullable(pinned.get());
    }

    /** Whether a failed call or handshake failed because the server's CA is not the token's. */
    public static boolean isDigestMismatch(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(DIGEST_MISMATCH)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        X509Certificate ca = null;
        for (X509Certificate c : chain) {
            if (CaDigest.of(c).equals(expectedDigest)) {
                ca = c;
                break;
            }
        }
        if (ca == null) {
            throw new CertificateException(DIGEST_MISMATCH + ": the server's root CA does not match the join token");
        }
        if (ca.getBasicConstraints() < 0 || !selfSigned(ca)) {
            throw new CertificateException(DIGEST_MISMATCH + ": the certificate with the token's digest is not a root CA");
        }
        new ClusterTrustManager(ca, Optional.of(NodeRole.MANAGER)).checkServerTrusted(chain, authType);
        pinned.set(ca);
    }

    private static boolean selfSigned(X509Certificate c) {
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }



    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a joining node does not accept connections");
    }



    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
