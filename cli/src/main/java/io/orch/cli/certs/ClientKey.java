package io.orch.cli.certs;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/**
 * A client's key pair (ECDSA P-256, as the cluster's node keys) and its certificate signing
 * request. The key is made here and only written to the client's own file: the CA sees the CSR.
 * {@link #toString()} never shows the key.
 */
public final class ClientKey {
    private final KeyPair pair;

    private ClientKey(KeyPair pair) {
        this.pair = pair;
    }

    public static ClientKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return new ClientKey(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA P-256 is not available", e);
        }
    }

    /** A PEM CSR for this key; the subject is a placeholder, the CA sets the real one. */
    public String csrPem(String name) {
        try {
            var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + name), pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            return pem(new PemObject("CERTIFICATE REQUEST", csr.getEncoded()));
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create the certificate signing request", e);
        }
    }

    /** The private key, PKCS#8 PEM ("PRIVATE KEY"), as docker reads key.pem. Secret: write it to a 0600 file only. */
    public String privateKeyPem() {
        try {
            return pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the private key");
        }
    }

    private static String pem(PemObject object) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "ClientKey[EC P-256]";
    }
}
