package io.orch.agent.pki;

import io.netty.handler.ssl.ClientAuth;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a node does with its credentials from start to rest, in steps a test can drive from another
 * class loader ({@link BouncyCastleStaysLazyTest}): only JDK types and strings cross.
 */
public final class NodeAtRest {
    private NodeAtRest() {}

    /** A worker's join: a key pair and its CSR. Returns the NodeCsr and the CSR's DER. */
    public static Object[] newCsr() {
        NodeCsr csr = NodeCsr.generate();
        return new Object[] {csr, csr.csrDer()};
    }

    /**
     * The rest of a join and a restart: the CA's answer completed into credentials, written to and
     * read back from {@code dir}, the node's identity read from its certificate, and the TLS contexts
     * it serves and dials with (the API's too, with --tlsverify on the node certificate).
     */
    public static String completeSaveLoadAndServe(Object csr, String certPem, String caPem, Path dir) throws Exception {
        NodeCredentials joined = ((NodeCsr) csr).complete(certPem, caPem);
        joined.save(dir);
        NodeCredentials loaded = NodeCredentials.load(dir).orElseThrow();
        loaded.serverContext(ClientAuth.REQUIRE);
        loaded.clientContext(NodeRole.MANAGER);
        loaded.anonymousClientContext(NodeRole.MANAGER);
        PeerIdentity.fromCertificate(loaded.certificate());
        NodeTlsInfo.of(loaded);
        ApiTls api = ApiTls.of(new ApiTlsSettings(null, null, null), LiveCredentials.of(loaded));
        api.hostNotNamed("127.0.0.1");
        return loaded.nodeId() + " " + loaded.role() + " " + loaded.clusterId() + " " + Files.exists(dir);
    }

    /** A manager at rest: its CA read back from the cluster object's PEM, its digest, its PEM written again. */
    public static String readCa(String certPem, String keyPem) {
        RootCa ca = RootCa.fromPem(certPem, keyPem);
        return ca.digest() + ca.certPem().length() + ca.keyPem().length() + ca.clusterId();
    }

    /** A manager signing a joining node's CSR: this is where Bouncy Castle may load. */
    public static String sign(String certPem, String keyPem, byte[] csrDer) {
        return RootCa.fromPem(certPem, keyPem).issue(csrDer, "node2", NodeRole.WORKER, java.util.List.of("127.0.0.1"));
    }
}
