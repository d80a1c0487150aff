package io.orch.agent.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * How a node whose certificate expired while it was down gets back in without a join token: TLS
 * refuses an expired certificate, so the node connects without one (trusting the root CA it
 * kept) and sends the expired certificate with a signature by its key over the new CSR. A
 * manager accepts that for {@link #GRACE} after the expiry, if the certificate is this CA's and
 * the node is still in the store (see JoinService.renew): proof that the caller holds the key the
 * cluster once vouched for, bound to the key it asks a certificate for. After that, or once the
 * node was removed, it must join again.
 */
public final class ExpiredCertificateProof {
    /** How long after its certificate expired a node may still renew it. */
    public static final Duration GRACE = Duration.ofDays(30);
    /** Signed before the CSR, so the signature proves this and nothing else. */
    private static final byte[] CONTEXT = "orch expired certificate renewal\0".getBytes(StandardCharsets.US_ASCII);

    private ExpiredCertificateProof() {
    }

    /** The caller's side: {@code expired}'s key signs {@code csrDer}. */
    public static byte[] sign(NodeCredentials expired, byte[] csrDer) {
        try {
            Signature signer = Signature.getInstance(Keys.signatureAlgorithm(expired.key()));
            signer.initSign(expired.key());
            signer.update(CONTEXT);
            signer.update(csrDer);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            // no cause message: it could describe the key
            throw new IllegalStateException("cannot sign the renewal proof of node " + expired.nodeId());
        }
    }

    /**
     * The manager's side: who sent the proof.
     *
     * @throws IllegalArgumentException saying why the proof is refused: the certificate is not
     *     {@code ca}'s or not a node's, it has not expired, it expired more than {@link #GRACE}
     *     ago, or the signature is not its key's over {@code csrDer}
     */
    public static PeerIdentity verify(String certificatePem, byte[] signature, byte[] csrDer, X509Certificate ca, Instant now) {
        X509Certificate certificate = Pem.parseCertificate(certificatePem, "expired certificate");
        try {
            certificate.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the expired certificate was not issued by this cluster's root CA");
        }
        if (certificate.getBasicConstraints() >= 0) {
            throw new IllegalArgumentException("the expired certificate is a CA's, not a node's");
        }
        PeerIdentity identity = PeerIdentity.fromCertificate(certificate);
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (!now.isAfter(notAfter)) {
            throw new IllegalArgumentException("the certificate of node " + identity.nodeId() + " is valid until " + notAfter
                    + ": renew with it over TLS");
        }
        if (now.isAfter(notAfter.plus(GRACE))) {
            throw new IllegalArgumentException("the certificate of node " + identity.nodeId() + " expired at " + notAfter
                    + ", more than " + GRACE.toDays() + " days ago; remove the node (orch node rm " + identity.nodeId()
                    + ") and join it again with a join token from an empty data directory");
        }
        if (!signedBy(certificate.getPublicKey(), signature, csrDer)) {
            throw new IllegalArgumentException("the renewal proof is not signed by the expired certificate's key");
        }
        return identity;
    }

    private static boolean signedBy(PublicKey key, byte[] signature, byte[] csrDer) {
        try {
            Signature verifier = Signature.getInstance(Keys.signatureAlgorithm(key.getAlgorithm()));
            verifier.initVerify(key);
            verifier.update(CONTEXT);
            verifier.update(csrDer);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
