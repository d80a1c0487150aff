package io.orch.agent.pki;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * PEM in and out. Errors about a private key never carry the key's text, nor the parser's own
 * message (which could quote it): only which key was bad.
 */
final class Pem {
    private Pem() {}

    static String certificate(X509Certificate certificate) {
        return write(certificate);
    }

    /** PKCS#8 ("PRIVATE KEY"). */
    static String privateKey(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot encode the private key");
        }
    }

    private static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException naming {@code what} if the text holds no certificate */
    static X509Certificate parseCertificate(String pem, String what) {
        Object object = readFirst(pem, what);
        if (!(object instanceof X509CertificateHolder holder)) {
            throw new IllegalArgumentException(what + " is not a PEM certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
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
    static java.util.List<X509Certificate> parseCertificates(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        java.util.List<X509Certificate> out = new java.util.ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (!(object instanceof X509CertificateHolder holder)) {
                    throw new IllegalArgumentException(what + " holds a PEM block that is not a certificate");
                }
                if (out.size() == MAX_CERTIFICATES) {
                    throw new IllegalArgumentException(what + " holds more than " + MAX_CERTIFICATES + " certificates");
                }
                out.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith(what)) {
                throw iae;
            }
            throw new IllegalArgumentException(what + " is not valid PEM");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no PEM certificate");
        }
        return out;
    }

    /** The certificates, PEM, one after the other. */
    static String certificates(java.util.List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        certificates.forEach(c -> out.append(certificate(c)));
        return out.toString();
    }

    /** @throws IllegalArgumentException naming {@code what}, never quoting the key */
    static PrivateKey parsePrivateKey(String pem, String what) {
        Object object;
        try {
            object = readFirst(pem, what);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not a PEM private key");
        }
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException | RuntimeException e) {
            // the cause is dropped on purpose: it may describe the key material
            throw new IllegalArgumentException(what + " is not a valid private key");
        }
        throw new IllegalArgumentException(what + " is not a PEM private key");
    }

    private static Object readFirst(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object == null) {
                throw new IllegalArgumentException(what + " holds no PEM block");
            }
            return object;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith(what)) {
                throw iae;
            }
            throw new IllegalArgumentException(what + " is not valid PEM");
        }
    }
}
