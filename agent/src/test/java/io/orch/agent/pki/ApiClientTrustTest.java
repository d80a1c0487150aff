package io.orch.agent.pki;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may drive the TLS API: the cluster's client certificates, never its node certificates, nothing of another CA. */
class ApiClientTrustTest {
    private final RootCa ca = RootCa.create("cluster1");
    private final ApiClientTrust clusterTrust = new ApiClientTrust(List.of(ca.certificate()), List.of(ca.certificate()), "cluster1");

    private X509Certificate client(RootCa by, String name) {
        NodeCsr csr = NodeCsr.generate();
        return parse(by.issueClient(csr.csrDer(), name, Duration.ofDays(1)));
    }

    private static X509Certificate parse(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aClientCertificateIsNamedAfterItsClientAndGoodForClientAuthOnly() throws Exception {
        X509Certificate c = client(ca, "alice");
        assertEquals("CN=alice,OU=orch-client,O=cluster1", c.getSubjectX500Principal().getName());
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), c.getExtendedKeyUsage());
        assertNull(c.getSubjectAlternativeNames(), "no name to serve TLS under");
        assertEquals(-1, c.getBasicConstraints(), "not a CA");
        c.verify(ca.certificate().getPublicKey());
    }

    @Test
    void theClusterTrustTakesItsClientCertificates() {
        X509Certificate c = client(ca, "alice");
        assertDoesNotThrow(() -> clusterTrust.checkClientTrusted(new X509Certificate[] {c}, "ECDHE_ECDSA"));
    }

    @Test
    void aNodeCertificateOfTheClusterIsRefusedWhateverItsRole() {
        for (NodeRole role : NodeRole.values()) {
            X509Certificate node = NodeCredentials.selfIssued(ca, "node1", role, List.of("10.0.0.1")).certificate();
            CertificateException e = assertThrows(CertificateException.class,
                    () -> clusterTrust.checkClientTrusted(new X509Certificate[] {node}, "ECDHE_ECDSA"));
            assertTrue(e.getMessage().contains("not a client certificate") && e.getMessage().contains(role.ou()), e.getMessage());
        }
    }

    @Test
    void aCertificateOfAnotherCaIsRefusedEvenWithTheClientOu() {
        X509Certificate foreign = client(RootCa.create("cluster2"), "mallory");
        CertificateException e = assertThrows(CertificateException.class,
                () -> clusterTrust.checkClientTrusted(new X509Certificate[] {foreign}, "ECDHE_ECDSA"));
        assertTrue(e.getMessage().contains("not from a CA the API trusts"), e.getMessage());
    }

    @Test
    void noCertificateIsRefused() {
        assertThrows(CertificateException.class, () -> clusterTrust.checkClientTrusted(new X509Certificate[0], "ECDHE_ECDSA"));
        assertThrows(CertificateException.class, () -> clusterTrust.checkClientTrusted(null, "ECDHE_ECDSA"));
    }

    @Test
    void withAnotherCaFileItsCertificatesAreTakenAndTheClusterNodesStillRefused() {
        RootCa operators = RootCa.create("operators");
        ApiClientTrust trust = new ApiClientTrust(List.of(operators.certificate(), ca.certificate()), List.of(ca.certificate()), "cluster1");
        X509Certificate theirs = client(operators, "ops");
        assertDoesNotThrow(() -> trust.checkClientTrusted(new X509Certificate[] {theirs}, "ECDHE_ECDSA"));
        X509Certificate node = NodeCredentials.selfIssued(ca, "node1", NodeRole.WORKER, List.of()).certificate();
        assertThrows(CertificateException.class, () -> trust.checkClientTrusted(new X509Certificate[] {node}, "ECDHE_ECDSA"));
    }

    @Test
    void itJudgesClientsOnly() {
        X509Certificate c = client(ca, "alice");
        assertThrows(CertificateException.class, () -> clusterTrust.checkServerTrusted(new X509Certificate[] {c}, "ECDHE_ECDSA"));
        assertEquals(List.of(ca.certificate()), List.of(clusterTrust.getAcceptedIssuers()));
    }

    @Test
    void badClientNamesAreRefusedWithOneLineNamingTheField() {
        byte[] csr = NodeCsr.generate().csrDer();
        for (String bad : List.of("", " ", "../x", "-lead", "a b", "x".repeat(65), "name\nforged")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ca.issueClient(csr, bad, Duration.ofDays(1)));
            assertTrue(e.getMessage().startsWith("client name"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
        assertDoesNotThrow(() -> ca.issueClient(csr, "ci_bot.eu-1", Duration.ofDays(1)));
    }

    @Test
    void aCsrThatIsNotOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientCertificates.issue(ca, "alice", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", Duration.ofDays(1)));
        assertTrue(e.getMessage().startsWith("invalid certificate signing request"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClientCertificates.csrDer("x".repeat(ClientCertificates.MAX_CSR_PEM_CHARS + 1)));
        assertTrue(e.getMessage().startsWith("CSR: larger than"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClientCertificates.csrDer("hello"));
        assertTrue(e.getMessage().startsWith("CSR: expected one PEM block"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClientCertificates.csrDer(null));
        assertTrue(e.getMessage().startsWith("CSR is required"), e.getMessage());
    }

    @Test
    void aClientCertificateNeverOutlivesTheCa() {
        X509Certificate c = parse(ca.issueClient(NodeCsr.generate().csrDer(), "alice", Duration.ofDays(365 * 100)));
        assertEquals(ca.certificate().getNotAfter(), c.getNotAfter());
    }
}
