package io.orch.cli.certs;

import io.orch.api.certs.CertificationRequest;
import io.orch.api.certs.Pem;

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
            return Pem.write("CERTIFICATE REQUEST", CertificationRequest.create("CN=" + name, pair));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot create the certificate signing request", e);
        }
    }

    /** The private key, PKCS#8 PEM ("PRIVATE KEY"), as docker reads key.pem. Secret: write it to a 0600 file only. */
    public String privateKeyPem() {
        // the JDK's encoding of an EC private key is PKCS#8 PrivateKeyInfo
        return Pem.write("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    @Override
    public String toString() {
        return "ClientKey[EC P-256]";
    }
}
