package io.orch.agent.pki;

import io.orch.api.proto.Cluster;
import io.orch.api.proto.JoinTokens;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.NodeTLSInfo;
import io.orch.api.proto.TrustRoots;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A root CA rotation: the cross-signed chain, the trust bundle, the tokens, and when it finishes. */
class RootRotationTest {
    private static final Duration DAY = Duration.ofDays(1);

    private static Cluster cluster(RootCa root) {
        return Cluster.newBuilder().setId("cluster1").setRootCa(root.toProto())
                .setJoinTokens(JoinTokens.newBuilder().setWorker(JoinToken.generate(root).value())
                        .setManager(JoinToken.generate(root).value()))
                .build();
    }

    private static NodeCredentials issued(ClusterCa ca, String nodeId, NodeRole role) {
        NodeCsr csr = NodeCsr.generate();
        return csr.complete(ca.issue(csr.csrDer(), nodeId, role, List.of("127.0.0.1"), DAY), ca.trustedRootsPem());
    }

    private static X509Certificate[] chainOf(NodeCredentials c) {
        return c.x509KeyManager().getCertificateChain("node");
    }

    @Test
    void aCertificateOfTheNewRootWithItsIntermediateValidatesAgainstTheOldRootAndAgainstTheNewRoot() throws Exception {
        RootCa old = RootCa.create("cluster1");
        Cluster rotating = RootRotations.start(cluster(old), 1, Clock.systemUTC());
        ClusterCa ca = ClusterCa.of(rotating);
        NodeCredentials node = issued(ca, "node1", NodeRole.WORKER);
        X509Certificate newRoot = ca.signingRoot().certificate();

        X509Certificate[] leafAndIntermediate = {node.certificate(), node.intermediates().get(0)};
        new ClusterTrustManager(old.certificate(), Optional.empty()).checkServerTrusted(leafAndIntermediate, "ECDHE_ECDSA");
        new ClusterTrustManager(newRoot, Optional.empty()).checkServerTrusted(leafAndIntermediate, "ECDHE_ECDSA");
        new ClusterTrustManager(newRoot, Optional.empty()).checkServerTrusted(new X509Certificate[] {node.certificate()}, "ECDHE_ECDSA");
        // what a node presents during the rotation: leaf, intermediate, then both roots
        X509Certificate[] presented = chainOf(node);
        assertEquals(4, presented.length);
        new ClusterTrustManager(old.certificate(), Optional.empty()).checkClientTrusted(presented, "ECDHE_ECDSA");
        new ClusterTrustManager(newRoot, Optional.empty()).checkClientTrusted(presented, "ECDHE_ECDSA");
        // without the intermediate, a node that trusts only the old root refuses it: the intermediate is what carries it
        assertThrows(CertificateException.class, () -> new ClusterTrustManager(old.certificate(), Optional.empty())
                .checkServerTrusted(new X509Certificate[] {node.certificate()}, "ECDHE_ECDSA"));
        assertArrayEquals(newRoot.getPublicKey().getEncoded(), node.issuerPublicKey().getEncoded());
    }

    @Test
    void aRootMadeBeforeRotationsExistedWithPathLengthZeroStillValidatesTheCrossSignedChain() throws Exception {
        RootCa legacy = legacyRootWithPathLengthZero("cluster1");
        assertEquals(0, legacy.certificate().getBasicConstraints());
        RootCa next = RootCa.create("cluster1");
        X509Certificate cross = legacy.crossSign(next);
        NodeCsr csr = NodeCsr.generate();
        X509Certificate leaf = Pem.parseCertificate(next.issue(csr.csrDer(), "node1", NodeRole.MANAGER, List.of(), DAY), "leaf");
        new ClusterTrustManager(legacy.certificate(), Optional.of(NodeRole.MANAGER))
                .checkServerTrusted(new X509Certificate[] {leaf, cross}, "ECDHE_ECDSA");
    }

    @Test
    void aNodeTrustsBothRootsDuringTheRotationAndOnlyTheNewOneAfterItWithoutTheIntermediate(@TempDir Path data) throws Exception {
        RootCa old = RootCa.create("cluster1");
        Cluster rotating = RootRotations.start(cluster(old), 1, Clock.systemUTC());
        ClusterCa ca = ClusterCa.of(rotating);
        NodeCredentials node = issued(ca, "node1", NodeRole.WORKER);
        Path dir = NodeCredentials.directoryIn(data);
        node.save(dir);
        assertEquals(2, Pem.parseCertificates(Files.readString(dir.resolve("ca.crt")), "ca.crt").size());
        assertEquals(2, Pem.parseCertificates(Files.readString(dir.resolve("node.crt")), "node.crt").size());
        NodeCredentials loaded = NodeCredentials.load(dir).orElseThrow();
        assertEquals(ca.trustedRoots(), loaded.trustedRoots());
        assertEquals(node.intermediates(), loaded.intermediates());

        Cluster finished = RootRotations.finish(rotating, List.of(nodeReporting("node1", loaded, NodeStatus.State.READY))).orElseThrow();
        TrustRoots after = ClusterCa.of(finished).trustRoots();
        assertEquals(after, ClusterCa.trustRootsOf(finished).orElseThrow(), "the dispatcher's cheap form is the same");
        assertEquals(ClusterCa.of(rotating).trustRoots(), ClusterCa.trustRootsOf(rotating).orElseThrow());
        NodeCredentials retrusted = NodeTrust.retrusted(loaded, after).orElseThrow();
        assertEquals(List.of(ca.signingRoot().certificate()), retrusted.trustedRoots());
        assertTrue(retrusted.intermediates().isEmpty(), "the intermediate is no longer sent");
        assertFalse(NodeTrust.needsRenewal(retrusted, after));
        assertEquals(Optional.empty(), NodeTrust.retrusted(retrusted, after), "nothing to change a second time");
        retrusted.save(dir);
        List<X509Certificate> caFile = Pem.parseCertificates(Files.readString(dir.resolve("ca.crt")), "ca.crt");
        assertEquals(List.of(ca.signingRoot().certificate()), caFile, "ca.crt holds only the new root");
        assertFalse(caFile.contains(old.certificate()));
        assertEquals(Pem.certificate(ca.signingRoot().certificate()), NodeTlsInfo.of(retrusted).getTrustRoot(),
                "the trust root a node reports is the cluster's TLSInfo.TrustRoot, byte for byte");
        assertEquals(finished.getRootCa().getCaCertPem(), NodeTlsInfo.of(retrusted).getTrustRoot());
    }

    @Test
    void aNodeWithACertificateOfTheOldRootRenewsAtOnceWhenTheRotationStartsAndCannotTakeTheNewTrustAlone() {
        RootCa old = RootCa.create("cluster1");
        NodeCredentials before = NodeCredentials.selfIssued(old, "node1", NodeRole.WORKER, List.of());
        Cluster rotating = RootRotations.start(cluster(old), 1, Clock.systemUTC());
        TrustRoots during = ClusterCa.of(rotating).trustRoots();
        assertTrue(NodeTrust.needsRenewal(before, during));
        NodeCredentials both = NodeTrust.retrusted(before, during).orElseThrow();
        assertEquals(2, both.trustedRoots().size());
        assertFalse(NodeTrust.needsRenewal(before, ClusterCa.of(cluster(old)).trustRoots()), "no rotation: nothing to renew");

        Cluster finished = RootRotations.finish(rotating, List.of()).orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeTrust.retrusted(before, ClusterCa.of(finished).trustRoots()));
        assertTrue(e.getMessage().contains("not signed by the CA"), e.getMessage());
    }

    @Test
    void theRotationChangesTheJoinTokensToTheNewRootsDigestWithNewSecrets() {
        RootCa old = RootCa.create("cluster1");
        Cluster before = cluster(old);
        Cluster rotating = RootRotations.start(before, 7, Clock.systemUTC());
        ClusterCa ca = ClusterCa.of(rotating);
        JoinToken worker = JoinToken.parse(rotating.getJoinTokens().getWorker());
        JoinToken manager = JoinToken.parse(rotating.getJoinTokens().getManager());
        assertEquals(ca.signingRoot().digest(), worker.caDigest());
        assertEquals(ca.signingRoot().digest(), manager.caDigest());
        assertEquals(ca.tokenDigest(), worker.caDigest());
        assertNotEquals(old.digest(), worker.caDigest());
        assertFalse(JoinToken.parse(before.getJoinTokens().getWorker()).secretMatches(rotating.getJoinTokens().getWorker()),
                "the old worker token no longer matches");
        assertEquals(7, rotating.getRootCa().getLastForcedRotation());
        assertFalse(RootRotations.requested(rotating, 7));
        assertTrue(RootRotations.requested(rotating, 8));
        assertThrows(IllegalStateException.class, () -> RootRotations.start(rotating, 8, Clock.systemUTC()),
                "one rotation at a time");
        // finishing keeps the new tokens
        Cluster finished = RootRotations.finish(rotating, List.of()).orElseThrow();
        assertEquals(rotating.getJoinTokens(), finished.getJoinTokens());
        assertEquals(ca.tokenDigest(), ClusterCa.of(finished).tokenDigest());
    }

    @Test
    void aJoiningNodePinsTheNewRootDuringAndAfterTheRotationAndTheOldDigestFailsOnceItIsGone() throws Exception {
        RootCa old = RootCa.create("cluster1");
        Cluster rotating = RootRotations.start(cluster(old), 1, Clock.systemUTC());
        ClusterCa ca = ClusterCa.of(rotating);
        X509Certificate[] managerDuring = chainOf(issued(ca, "manager1", NodeRole.MANAGER));
        PinnedCaTrust newToken = PinnedCaTrust.forDigest(ca.tokenDigest());
        newToken.checkServerTrusted(managerDuring, "ECDHE_ECDSA");
        assertEquals(ca.signingRoot().certificate(), newToken.pinnedCa().orElseThrow());

        Cluster finished = RootRotations.finish(rotating, List.of()).orElseThrow();
        NodeCredentials after = issued(ClusterCa.of(finished), "manager1", NodeRole.MANAGER);
        X509Certificate[] managerAfter = chainOf(after);
        assertEquals(2, managerAfter.length, "leaf and the new root: no intermediate any more");
        PinnedCaTrust.forDigest(ca.tokenDigest()).checkServerTrusted(managerAfter, "ECDHE_ECDSA");
        CertificateException e = assertThrows(CertificateException.class,
                () -> PinnedCaTrust.forDigest(old.digest()).checkServerTrusted(managerAfter, "ECDHE_ECDSA"));
        assertTrue(e.getMessage().startsWith(PinnedCaTrust.DIGEST_MISMATCH), e.getMessage());
    }

    @Test
    void theRotationFinishesOnlyWhenEveryNodeThatIsNotDownHoldsACertificateOfTheNewRoot() {
        RootCa old = RootCa.create("cluster1");
        Cluster rotating = RootRotations.start(cluster(old), 1, Clock.systemUTC());
        ClusterCa ca = ClusterCa.of(rotating);
        NodeCredentials oldCert = NodeCredentials.selfIssued(old, "n", NodeRole.WORKER, List.of());
        NodeCredentials newCert = issued(ca, "n", NodeRole.WORKER);

        Node m1 = nodeReporting("m1", newCert, NodeStatus.State.READY);
        Node w1 = nodeReporting("w1", oldCert, NodeStatus.State.READY);
        Node w2Down = nodeReporting("w2", oldCert, NodeStatus.State.DOWN);
        Node w3Unknown = nodeReporting("w3", oldCert, NodeStatus.State.UNKNOWN);
        Node silent = Node.newBuilder().setId("w4").setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY)).build();

        assertEquals(List.of(w1, w3Unknown, silent), RootRotations.waitingFor(rotating, List.of(m1, w1, w2Down, w3Unknown, silent)));
        assertTrue(RootRotations.finish(rotating, List.of(m1, w1, w2Down)).isEmpty());
        assertTrue(RootRotations.finish(rotating, List.of(m1, w3Unknown)).isEmpty(), "a node not known to be down counts");
        assertTrue(RootRotations.finish(rotating, List.of(m1, silent)).isEmpty(), "a node that reported nothing counts");

        Node w1Renewed = nodeReporting("w1", newCert, NodeStatus.State.READY);
        Cluster finished = RootRotations.finish(rotating, List.of(m1, w1Renewed, w2Down)).orElseThrow();
        assertFalse(finished.hasRootRotation());
        assertEquals(rotating.getRootRotation().getCaCertPem(), finished.getRootCa().getCaCertPem());
        assertEquals(rotating.getRootRotation().getCaKeyPem(), finished.getRootCa().getCaKeyPem());
        assertEquals(1, finished.getRootCa().getLastForcedRotation());
        assertEquals(List.of(ca.signingRoot().certificate()), ClusterCa.of(finished).trustedRoots());
        assertTrue(RootRotations.finish(finished, List.of()).isEmpty(), "nothing to finish without a rotation");
    }

    @Test
    void theClusterCaRefusesARotationWhoseCrossSignedCertificateIsNotTheNewRootSignedByTheOld() {
        RootCa old = RootCa.create("cluster1");
        Cluster rotating = RootRotations.start(cluster(old), 1, Clock.systemUTC());
        RootCa stranger = RootCa.create("cluster1");
        Cluster forged = rotating.toBuilder().setRootRotation(rotating.getRootRotation().toBuilder()
                .setCrossSignedCaCertPem(Pem.certificate(stranger.crossSign(RootCa.create("cluster1"))))).build();
        assertThrows(IllegalArgumentException.class, () -> ClusterCa.of(forged));
    }

    @Test
    void liveCredentialsTakeANewTrustThatSharesARootAndRefuseOneThatSharesNone() {
        RootCa old = RootCa.create("cluster1");
        NodeCredentials before = NodeCredentials.selfIssued(old, "node1", NodeRole.WORKER, List.of());
        LiveCredentials live = LiveCredentials.of(before);
        ClusterCa ca = ClusterCa.of(RootRotations.start(cluster(old), 1, Clock.systemUTC()));
        NodeCredentials renewed = issued(ca, "node1", NodeRole.WORKER);
        live.replace(renewed);
        assertEquals(2, live.current().trustedRoots().size());
        NodeCredentials newOnly = renewed.withTrust(List.of(ca.signingRoot().certificate()), false);
        live.replace(newOnly);
        assertEquals(List.of(ca.signingRoot().certificate()), live.current().trustedRoots());
        assertThrows(IllegalArgumentException.class, () -> live.replace(before), "the old root alone is no longer trusted");
    }

    private static Node nodeReporting(String id, NodeCredentials credentials, NodeStatus.State state) {
        NodeTLSInfo tls = NodeTlsInfo.of(credentials);
        return Node.newBuilder().setId(id).setStatus(NodeStatus.newBuilder().setState(state))
                .setDescription(NodeDescription.newBuilder().setTlsInfo(tls)).build();
    }

    /** A root as orch made them before rotations: path length 0. */
    private static RootCa legacyRootWithPathLengthZero(String clusterId) throws Exception {
        KeyPair pair = Keys.newEcKeyPair();
        X500Name name = new X500Name("OU=" + clusterId + ",CN=" + RootCa.COMMON_NAME);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))), name, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(Keys.signatureAlgorithm(pair.getPrivate())).build(pair.getPrivate())));
        return RootCa.fromPem(Pem.certificate(cert), Pem.privateKey(pair.getPrivate()));
    }
}
