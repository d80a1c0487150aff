package io.orch.agent.pki;

import io.orch.api.certs.PemPrivateKeys;

import java.io.ByteArrayInputStream;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * PEM in and out, with the JDK alone ({@link io.orch.api.certs.Pem} for the blocks, the JDK's
 * X.509 CertificateFactory and KeyFactory for their content): every node reads its key and
 * certificates at start, and only a manager that signs needs Bouncy Castle ({@link CertificateSigner}).
 * Errors about a private key never carry the key's text, nor a parser's message that could quote it:
 * only which key was bad and what kind of problem it has.
 */
final class Pem {
    /** The block types Bouncy Castle's PEMParser, used here before, read as a certificate. */
    private static final List<String> CERTIFICATE_TYPES = List.of("CERTIFICATE", "X509 CERTIFICATE");

    private Pem() {}

    static String certificate(X509Certificate certificate) {
        try {
            return io.orch.api.certs.Pem.write("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the certificate: " + e.getMessage(), e);
        }
    }

    /** PKCS#8 ("PRIVATE KEY"): the JDK encodes EC and RSA private keys as a PKCS#8 PrivateKeyInfo. */
    static String privateKey(PrivateKey key) {
        byte[] encoded = "PKCS#8".equals(key.getFormat()) ? key.getEncoded() : null;
        if (encoded == null) {
            throw new IllegalStateException("cannot encode the private key");
        }
        return io.orch.api.certs.Pem.write("PRIVATE KEY", encoded);
    }

    /** @throws IllegalArgumentException naming {@code what} if the text holds no certificate */
    static X509Certificate parseCertificate(String pem, String what) {
        List<io.orch.api.certs.Pem.Block> blocks = blocks(pem, what);
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no PEM block");
        }
        io.orch.api.certs.Pem.Block first = blocks.get(0);
        if (!CERTIFICATE_TYPES.contains(first.type())) {
            throw new IllegalArgumentException(what + " is not a PEM certificate");
        }
        try {
            return x509(first.der());
        } catch (CertificateException e) {
            throw new IllegalArgumentException(what + " is not a valid certificate: " + e.getMessage());
        }
    }

    /** At most this many certificates are read from one file (a CA bundle, a chain). */
    static final int MAX_CERTIFICATES = 64;

    /**
     * Every certificate in {@code pem} (a CA bundle, a certificate and its chain), in order.
     *
     * @throws IllegalArgumentException naming {@code what} if there is none, or a block is not a certificate
     */
    static List<X509Certificate> parseCertificates(String pem, String what) {
        List<X509Certificate> out = new ArrayList<>();
        for (io.orch.api.certs.Pem.Block block : blocks(pem, what)) {
            if (!CERTIFICATE_TYPES.contains(block.type())) {
                throw new IllegalArgumentException(what + " holds a PEM block that is not a certificate");
            }
            if (out.size() == MAX_CERTIFICATES) {
                throw new IllegalArgumentException(what + " holds more than " + MAX_CERTIFICATES + " certificates");
            }
            try {
                out.add(x509(block.der()));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(what + " is not valid PEM");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no PEM certificate");
        }
        return out;
    }

    /** The certificates, PEM, one after the other. */
    static String certificates(List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        certificates.forEach(c -> out.append(certificate(c)));
        return out.toString();
    }

    /**
     * The first private key in {@code pem}: PKCS#8 "PRIVATE KEY" (what {@link #privateKey} writes),
     * PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY" ({@link PemPrivateKeys}).
     *
     * @throws IllegalArgumentException naming {@code what}, never quoting the key (PemPrivateKeys'
     *     messages name what was found, never key material)
     */
    static PrivateKey parsePrivateKey(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        try {
            return PemPrivateKeys.read(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not a usable PEM private key: " + e.getMessage());
        }
    }

    private static List<io.orch.api.certs.Pem.Block> blocks(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        try {
            return io.orch.api.certs.Pem.read(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid PEM");
        }
    }

    private static X509Certificate x509(byte[] der) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }
}
