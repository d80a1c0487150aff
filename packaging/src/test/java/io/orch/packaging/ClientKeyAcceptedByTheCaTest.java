package io.orch.packaging;

import io.orch.agent.pki.ClientCertificates;
import io.orch.agent.pki.RootCa;
import io.orch.cli.certs.ClientKey;
import io.orch.api.certs.PemPrivateKeys;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `orch cert issue` end to end in one JVM, the only place both halves meet (cli/ and agent/ do not
 * see each other): the CSR the CLI makes with its own DER code is one the manager's CA (Bouncy
 * Castle) verifies and signs, and the certificate it returns is for the key the CLI writes to key.pem.
 */
class ClientKeyAcceptedByTheCaTest {
    @Test
    void theCaSignsTheClisCsrForTheKeyTheCliWrites() throws Exception {
        RootCa ca = RootCa.create("c1usterid0000000000000000");
        ClientKey key = ClientKey.generate();

        String certificatePem = ClientCertificates.issue(ca, "alice", key.csrPem("alice"), Duration.ofHours(1));

        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
        certificate.verify(ca.certificate().getPublicKey());
        assertTrue(certificate.getSubjectX500Principal().getName().contains("CN=alice"), certificate.getSubjectX500Principal().getName());
        PrivateKey written = PemPrivateKeys.read(key.privateKeyPem());
        byte[] data = "orch".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(written);
        signer.update(data);
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(data);
        assertTrue(verifier.verify(signer.sign()), "the certificate's key is the one in key.pem");
    }
}
