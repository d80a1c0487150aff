package io.orch.agent.pki;

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

    /** A new ECDSA P-256 key and its CSR. */
    public static NodeCsr generate() {
        KeyPair pair = Keys.newEcKeyPair();
        return new NodeCsr(pair, CertificateRequests.create(pair));
    }

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
