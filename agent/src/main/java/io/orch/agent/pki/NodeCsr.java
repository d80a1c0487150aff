package io.orch.agent.pki;

import io.orch.api.certs.CertificationRequest;

import java.security.GeneralSecurityException;
import java.security.KeyPair;

/**
 * A node's fresh key pair and the certificate signing request for it: the key stays on the node,
 * only {@link #csrDer()} travels to the CA. {@link #complete} pairs the key with the certificate
 * the CA sent back. {@link #toString()} shows no key.
 */
public final class NodeCsr {
    private final KeyPair keyPair;
    private final byte[] csrDer;

    private NodeCsr(KeyPair keyPair, byte[] csrDer) {
        this.keyPair = keyPair;
        this.csrDer = csrDer;
    }

    /**
     * A new ECDSA P-256 key and its CSR, made with the JDK alone (a worker joins and renews without
     * loading Bouncy Castle). The subject is a placeholder: the CA sets the real one.
     */
    public static NodeCsr generate() {
        KeyPair pair = Keys.newEcKeyPair();
        try {
            return new NodeCsr(pair, CertificationRequest.create(PLACEHOLDER_SUBJECT, pair));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the certificate signing request", e);
        }
    }

    /** The CSR's subject; the CA ignores it and names the node itself. */
    static final String PLACEHOLDER_SUBJECT = "CN=orch-node";

    /** PKCS#10, DER. */
    public byte[] csrDer() {
        return csrDer.clone();
    }

    /**
     * The node's credentials, once the CA has signed the CSR.
     *
     * @throws IllegalArgumentException if the certificate is not for this key or not signed by the CA
     */
    public NodeCredentials complete(String nodeCertPem, String caCertPem) {
        return NodeCredentials.of(keyPair.getPrivate(), nodeCertPem, caCertPem);
    }

    @Override
    public String toString() {
        return "NodeCsr[" + keyPair.getPublic().getAlgorithm() + "]";
    }
}
