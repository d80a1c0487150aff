package io.orch.agent.pki;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

/**
 * The fingerprint of a root CA as a join token carries it: SHA-256, written in base 36 and
 * zero-padded to 50 characters, the shape of Swarm's {@code SWMTKN-1-<digest>-<secret>}.
 * Swarm hashes the PEM bytes it stores; orch hashes the DER certificate, which is what a TLS peer
 * actually receives, so a joining node can check it without any PEM formatting to agree on.
 */
public final class CaDigest {
    /** ceil(log36(2^256)) */
    public static final int LENGTH = 50;

    private CaDigest() {}

    public static String of(X509Certificate certificate) {
        try {
            return of(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the CA certificate", e);
        }
    }

    /** @throws IllegalArgumentException if {@code certPem} is not a PEM certificate */
    public static String ofPem(String certPem) {
        return of(Pem.parseCertificate(certPem, "CA certificate"));
    }

    public static String of(byte[] der) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(der);
            return Base36.padded(new BigInteger(1, sha), LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
