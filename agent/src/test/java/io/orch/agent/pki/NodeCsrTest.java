package io.orch.agent.pki;

import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node's CSR, now made with the JDK alone, is the request the CA signed before, and the CA signs it. */
class NodeCsrTest {
    @Test
    void theJdkMadeCsrIsAValidPkcs10RequestForTheNodesP256KeyWithThePlaceholderSubject() throws Exception {
        NodeCsr csr = NodeCsr.generate();
        PKCS10CertificationRequest parsed = new PKCS10CertificationRequest(csr.csrDer());

        assertTrue(parsed.isSignatureValid(new JcaContentVerifierProviderBuilder().build(new JcaPKCS10CertificationRequest(parsed).getPublicKey())));
        assertEquals("CN=orch-node", parsed.getSubject().toString());
        assertEquals("1.2.840.10045.4.3.2", parsed.getSignatureAlgorithm().getAlgorithm().getId(), "ecdsa-with-SHA256");
        assertEquals(0, parsed.getAttributes().length);
    }

    @Test
    void theCaSignsItAndTheNodeCompletesItsCredentialsWithTheAnswer() {
        RootCa ca = RootCa.create("cluster1");
        NodeCsr csr = NodeCsr.generate();

        String certificate = ca.issue(csr.csrDer(), "node1", NodeRole.WORKER, List.of("10.0.0.1"));
        NodeCredentials credentials = csr.complete(certificate, ca.certPem());

        assertEquals("node1", credentials.nodeId());
        assertEquals(NodeRole.WORKER, credentials.role());
        assertEquals("cluster1", credentials.clusterId());
    }
}
