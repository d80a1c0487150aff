package io.orch.agent.pki;

import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RootCaTest {
    private static RootCa ca;

    @BeforeAll
    static void ca() {
        ca = RootCa.create("cluster1");
    }

    @Test
    void isASelfSignedP256CaNamedAfterTheClusterForTwentyYears() throws Exception {
        X509Certificate c = ca.certificate();
        assertEquals("CN=orch-root-ca,OU=cluster1", c.getSubjectX500Principal().getName());
        assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
        c.verify(c.getPublicKey());
        assertTrue(c.getBasicConstraints() >= 0, "a CA");
        assertEquals("1.2.840.10045.3.1.7", curveOf((ECPublicKey) c.getPublicKey()), "P-256 (secp256r1)");
        Duration validity = Duration.between(Instant.now(), c.getNotAfter().toInstant());
        assertTrue(validity.toDays() >= 20 * 365 && validity.toDays() <= 20 * 366, validity.toString());
        assertEquals("cluster1", ca.clusterId());
    }

    @Test
    void theDigestIsBase36OfTheSha256OfTheDerCertificatePaddedTo50() throws Exception {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded());
        String expected = new BigInteger(1, sha).toString(36);
        expected = "0".repeat(50 - expected.length()) + expected;
        assertEquals(expected, ca.digest());
        assertEquals(50, ca.digest().length());
        // a digest with leading zero bits is padded, not shortened
        assertEquals("0".repeat(49) + "1", CaDigestPadding.of(BigInteger.ONE));
    }

    @Test
    void roundTripsThroughPemAndTheProto() {
        RootCa loaded = RootCa.fromPem(ca.certPem(), ca.keyPem());
        assertEquals(ca.digest(), loaded.digest());
        assertEquals(ca.certificate(), loaded.certificate());
        assertEquals("cluster1", loaded.clusterId());
        assertEquals(ca.digest(), RootCa.fromProto(ca.toProto()).digest());
        assertTrue(ca.keyPem().startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
        assertTrue(ca.certPem().startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedWithoutShowingIt() {
        RootCa other = RootCa.create("cluster2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RootCa.fromPem(ca.certPem(), other.keyPem()));
        assertEquals("root CA key does not belong to the root CA certificate", e.getMessage());
        String damagedKey = other.keyPem().replace("PRIVATE KEY-----\n", "PRIVATE KEY-----\nAAAA");
        IllegalArgumentException damaged = assertThrows(IllegalArgumentException.class, () -> RootCa.fromPem(ca.certPem(), damagedKey));
        assertTrue(damaged.getMessage().startsWith("root CA key is not"), damaged.getMessage());
        assertFalse(damaged.getMessage().contains(body(other.keyPem()).substring(0, 20)));
        assertFalse(ca.toString().contains(body(ca.keyPem()).substring(0, 20)));
        IllegalArgumentException notCa = assertThrows(IllegalArgumentException.class, () -> RootCa.fromPem(
                NodeCredentials.selfIssued(ca, "n1", NodeRole.WORKER, List.of()).certPem(), ca.keyPem()));
        assertEquals("root CA certificate is not a CA certificate", notCa.getMessage());
    }

    @Test
    void issuesANodeCertificateFromTheCsrKeyAndTheArgumentsOnly() throws Exception {
        NodeCsr csr = NodeCsr.generate();
        String pem = ca.issue(csr.csrDer(), "node1", NodeRole.MANAGER, List.of("10.0.0.7", "node1.example.org", "[::1]"));
        X509Certificate c = parse(pem);
        c.verify(ca.certificate().getPublicKey());
        assertEquals("CN=node1,OU=swarm-manager,O=cluster1", c.getSubjectX500Principal().getName());
        assertEquals(ca.certificate().getSubjectX500Principal(), c.getIssuerX500Principal());
        assertEquals(-1, c.getBasicConstraints(), "not a CA");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), c.getExtendedKeyUsage(), "serverAuth, clientAuth");
        assertEquals(List.of("ip:10.0.0.7", "dns:node1.example.org", "ip:0:0:0:0:0:0:0:1", "dns:node1", "dns:swarm-manager"), sans(c));
        Duration validity = Duration.between(Instant.now(), c.getNotAfter().toInstant());
        assertTrue(validity.toDays() == 89 || validity.toDays() == 90, "90 days by default: " + validity);
        assertTrue(c.getNotBefore().toInstant().isBefore(Instant.now().minus(Duration.ofMinutes(30))), "backdated for clock skew");
        NodeCredentials credentials = csr.complete(pem, ca.certPem());
        assertEquals("node1", credentials.nodeId());
        assertEquals(NodeRole.MANAGER, credentials.role());
        assertEquals("cluster1", credentials.clusterId());
    }

    @Test
    void theValidityIsTheCallersButNeverPastTheCa() throws Exception {
        X509Certificate day = parse(ca.issue(NodeCsr.generate().csrDer(), "n1", NodeRole.WORKER, List.of(), Duration.ofDays(1)));
        assertEquals(1, Duration.between(Instant.now(), day.getNotAfter().toInstant()).plusMinutes(1).toDays());
        X509Certificate long_ = parse(ca.issue(NodeCsr.generate().csrDer(), "n1", NodeRole.WORKER, List.of(), Duration.ofDays(100 * 365)));
        assertEquals(ca.certificate().getNotAfter(), long_.getNotAfter());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> ca.issue(NodeCsr.generate().csrDer(), "n1", NodeRole.WORKER, List.of(), Duration.ZERO));
        assertEquals("certificate validity must be positive", zero.getMessage());
    }

    @Test
    void aBadCsrIsRefusedWithAClearMessage() {
        byte[] good = NodeCsr.generate().csrDer();
        byte[] tampered = good.clone();
        tampered[tampered.length - 5] ^= 0x01; // inside the signature
        assertEquals("invalid certificate signing request: its signature does not verify", refusal(tampered));
        byte[] otherSubject = good.clone();
        otherSubject[20] ^= 0x01; // inside the signed part
        assertTrue(refusal(otherSubject).startsWith("invalid certificate signing request: "), refusal(otherSubject));
        assertEquals("invalid certificate signing request: not a DER-encoded PKCS#10 request", refusal("not a csr".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("invalid certificate signing request: it is empty", refusal(new byte[0]));
    }

    @Test
    void badNodeIdsAndSansAreRefused() {
        byte[] csr = NodeCsr.generate().csrDer();
        assertEquals("invalid subject alternative name \"bad name!\": expected an IP address or a DNS name",
                assertThrows(IllegalArgumentException.class, () -> ca.issue(csr, "n1", NodeRole.WORKER, List.of("bad name!"))).getMessage());
        assertEquals("node id \"a,CN=evil\": expected letters, digits or '-' (at most 64)",
                assertThrows(IllegalArgumentException.class, () -> ca.issue(csr, "a,CN=evil", NodeRole.WORKER, List.of())).getMessage());
        assertEquals("node id is required",
                assertThrows(IllegalArgumentException.class, () -> ca.issue(csr, "", NodeRole.WORKER, List.of())).getMessage());
    }

    private static String refusal(byte[] csr) {
        return assertThrows(IllegalArgumentException.class, () -> ca.issue(csr, "n1", NodeRole.WORKER, List.of())).getMessage();
    }

    static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static List<String> sans(X509Certificate c) throws Exception {
        List<String> out = new ArrayList<>();
        Collection<List<?>> names = c.getSubjectAlternativeNames();
        for (List<?> n : names) {
            int type = (Integer) n.get(0);
            out.add((type == GeneralName.iPAddress ? "ip:" : type == GeneralName.dNSName ? "dns:" : "?:") + n.get(1));
        }
        return out;
    }

    private static String curveOf(ECPublicKey key) throws Exception {
        java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC");
        p.init(key.getParams());
        return p.getParameterSpec(java.security.spec.ECGenParameterSpec.class).getName();
    }

    private static String body(String pem) {
        return pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
    }

    /** Base36.padded is package-private; reached through this name to read as what it checks. */
    private static final class CaDigestPadding {
        static String of(BigInteger value) {
            return Base36.padded(value, CaDigest.LENGTH);
        }
    }
}
