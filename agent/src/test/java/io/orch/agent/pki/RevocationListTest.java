package io.orch.agent.pki;

import io.orch.api.model.Times;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeTLSInfo;
import io.orch.api.proto.RevokedIdentity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RevocationListTest {
    private static final Instant NOW = Instant.parse("2026-12-07T01:00:00Z");
    private static final Cluster CLUSTER = Cluster.newBuilder().setId("c1").setSpec(ClusterSpec.getDefaultInstance()).build();

    private static Node node(String id) {
        return Node.newBuilder().setId(id).build();
    }

    @Test
    void aRemovedNodeIsRefusedInEveryRoleAndOthersAreNot() {
        RevocationList list = RevocationList.of(RevocationEdits.nodeRemoved(CLUSTER, node("w1"), NOW).getRevokedList());
        assertTrue(list.refusal("w1", NodeRole.WORKER, NOW).orElseThrow().contains("certificate revoked"));
        assertTrue(list.refusal("w1", NodeRole.MANAGER, NOW).isPresent());
        assertTrue(list.removed("w1", NOW));
        assertEquals(Optional.empty(), list.refusal("w2", NodeRole.WORKER, NOW));
    }

    @Test
    void aDemotedManagerIsRefusedOnlyWithItsManagerCertificate() {
        RevocationList list = RevocationList.of(RevocationEdits.managerDemoted(CLUSTER, node("m2"), NOW).getRevokedList());
        assertTrue(list.refusal("m2", NodeRole.MANAGER, NOW).orElseThrow().contains("demoted"));
        assertEquals(Optional.empty(), list.refusal("m2", NodeRole.WORKER, NOW));
        assertFalse(list.removed("m2", NOW));
    }

    @Test
    void aPromotionLiftsTheManagerOnlyEntryButNotARemoval() {
        Cluster demoted = RevocationEdits.managerDemoted(CLUSTER, node("m2"), NOW);
        Cluster removedToo = RevocationEdits.nodeRemoved(demoted, node("w1"), NOW);
        Cluster promoted = RevocationEdits.managerPromoted(removedToo, "m2", NOW.plusSeconds(5));
        RevocationList list = RevocationList.of(promoted.getRevokedList());
        assertEquals(Optional.empty(), list.refusal("m2", NodeRole.MANAGER, NOW.plusSeconds(5)));
        assertTrue(list.removed("w1", NOW.plusSeconds(5)));
        assertEquals(1, list.size());
    }

    @Test
    void anEntryMatchesUntilTheLastCertificateItCoversHasExpiredAndIsPrunedThen() {
        Cluster shortExpiry = CLUSTER.toBuilder().setSpec(ClusterSpec.newBuilder().setCaConfig(
                io.orch.api.proto.CAConfig.newBuilder().setNodeCertExpiry(Duration.ofDays(200).toNanos()))).build();
        Cluster revoked = RevocationEdits.nodeRemoved(shortExpiry, node("w1"), NOW);
        Instant until = Times.instant(revoked.getRevoked(0).getUntil());
        assertEquals(NOW.plus(Duration.ofDays(200)), until);
        RevocationList list = RevocationList.of(revoked.getRevokedList());
        assertTrue(list.refusal("w1", NodeRole.WORKER, until.minusSeconds(1)).isPresent());
        assertEquals(Optional.empty(), list.refusal("w1", NodeRole.WORKER, until));
        // the next edit drops it: the list holds only what can still be presented
        Cluster later = RevocationEdits.nodeRemoved(revoked, node("w2"), until);
        assertEquals(List.of("w2"), later.getRevokedList().stream().map(RevokedIdentity::getNodeId).toList());
        assertEquals(List.of(), RevocationEdits.pruned(revoked.getRevokedList(), until));
    }

    @Test
    void untilCoversTheDefaultLifetimeAndACertificateTheNodeReportedLasting() {
        assertEquals(NOW.plus(NodeCertExpiry.DEFAULT), RevocationEdits.until(CLUSTER, node("w1"), NOW));
        Instant far = NOW.plus(Duration.ofDays(400));
        Node reported = Node.newBuilder().setId("w1").setDescription(NodeDescription.newBuilder()
                .setTlsInfo(NodeTLSInfo.newBuilder().setCertExpiry(Times.timestamp(far)))).build();
        assertEquals(far, RevocationEdits.until(CLUSTER, reported, NOW));
    }

    @Test
    void revokingTheSameNodeTwiceKeepsOneEntryPerScope() {
        Cluster once = RevocationEdits.nodeRemoved(CLUSTER, node("w1"), NOW);
        Cluster twice = RevocationEdits.nodeRemoved(once, node("w1"), NOW.plusSeconds(1));
        assertEquals(1, twice.getRevokedCount());
        Cluster demoted = RevocationEdits.managerDemoted(twice, node("w1"), NOW.plusSeconds(2));
        assertEquals(2, demoted.getRevokedCount());
    }

    @Test
    void theRaftPolicyRefusesADemotedManagerOnlyOnceItIsNoLongerAVoter() {
        RevocationList list = RevocationList.of(RevocationEdits.nodeRemoved(
                RevocationEdits.managerDemoted(CLUSTER, node("m2"), NOW), node("w1"), NOW).getRevokedList());
        PeerIdentity m2 = new PeerIdentity("m2", NodeRole.MANAGER, "c1");
        PeerIdentity w1 = new PeerIdentity("w1", NodeRole.MANAGER, "c1");
        assertEquals(Optional.empty(), PeerRevocation.raft(id -> true).refusal(m2, list, NOW));
        assertTrue(PeerRevocation.raft(id -> false).refusal(m2, list, NOW).isPresent());
        assertTrue(PeerRevocation.raft(id -> true).refusal(w1, list, NOW).isPresent());
        assertEquals(Optional.empty(), PeerRevocation.REMOVED_ONLY.refusal(m2, list, NOW));
        assertTrue(PeerRevocation.REMOVED_ONLY.refusal(w1, list, NOW).isPresent());
        assertTrue(PeerRevocation.STRICT.refusal(m2, list, NOW).isPresent());
    }
}
