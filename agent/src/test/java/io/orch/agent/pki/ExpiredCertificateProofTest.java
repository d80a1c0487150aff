package io.orch.agent.pki;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a manager accepts from a node whose certificate expired: its key's signature, within the grace. */
class ExpiredCertificateProofTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static RootCa ca;
    private static NodeCredentials node;
    private static byte[] csr;

    @BeforeAll
    static void expiredCertificate() {
        ca = RootCa.create("cluster1", Clock.fixed(T0.minus(Duration.ofDays(1)), java.time.ZoneOffset.UTC));
        NodeCsr first = NodeCredentials.generateCsr();
        node = first.complete(ca.issue(first.csrDer(), "node1", NodeRole.WORKER, List.of(), Duration.ofHours(1)), ca.certPem());
        csr = NodeCredentials.generateCsr().csrDer();
    }

    @Test
    void theHolderOfTheExpiredCertificatesKeyIsWhoItSays() {
        byte[] proof = ExpiredCertificateProof.sign(node, csr);
        PeerIdentity who = ExpiredCertificateProof.verify(node.certPem(), proof, csr, ca.certificate(), T0);
        assertEquals(new PeerIdentity("node1", NodeRole.WORKER, "cluster1"), who);
    }

    @Test
    void aProofForAnotherCsrOrByAnotherKeyIsRefused() {
        byte[] proof = ExpiredCertificateProof.sign(node, csr);
        byte[] otherCsr = NodeCredentials.generateCsr().csrDer();
        refused("not signed by the expired certificate's key", node.certPem(), proof, otherCsr, T0);

        NodeCsr other = NodeCredentials.generateCsr();
        NodeCredentials stranger = other.complete(ca.issue(other.csrDer(), "node2", NodeRole.WORKER, List.of(), Duration.ofHours(1)),
                ca.certPem());
        refused("not signed by the expired certificate's key", node.certPem(), ExpiredCertificateProof.sign(stranger, csr), csr, T0);
    }

    @Test
    void onlyAnExpiredCertificateOfThisCaWithinTheGraceIsAccepted() {
        byte[] proof = ExpiredCertificateProof.sign(node, csr);
        refused("renew with it over TLS", node.certPem(), proof, csr, T0.minus(Duration.ofDays(1)));
        Instant afterGrace = node.notAfter().plus(ExpiredCertificateProof.GRACE).plusSeconds(1);
        refused("more than 30 days ago", node.certPem(), proof, csr, afterGrace);
        ExpiredCertificateProof.verify(node.certPem(), proof, csr, ca.certificate(), afterGrace.minusSeconds(2));

        RootCa foreign = RootCa.create("cluster1");
        NodeCsr intruderCsr = NodeCredentials.generateCsr();
        NodeCredentials intruder = intruderCsr.complete(foreign.issue(intruderCsr.csrDer(), "node1", NodeRole.WORKER, List.of(),
                Duration.ofHours(1)), foreign.certPem());
        refused("not issued by this cluster's root CA", intruder.certPem(), ExpiredCertificateProof.sign(intruder, csr), csr,
                Instant.now().plus(Duration.ofDays(1)));
    }

    private static void refused(String why, String certPem, byte[] proof, byte[] csrDer, Instant now) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExpiredCertificateProof.verify(certPem, proof, csrDer, ca.certificate(), now));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
