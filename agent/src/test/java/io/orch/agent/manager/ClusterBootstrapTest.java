package io.orch.agent.manager;

import io.orch.agent.pki.JoinToken;
import io.orch.agent.pki.RootCa;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.JoinTokens;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The Cluster object of a new cluster carries its root CA, join tokens made from it and a gossip key. */
class ClusterBootstrapTest {
    private ClusterStore store;

    @BeforeEach
    void store() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
    }

    @AfterEach
    void close() throws Exception {
        store.proposer().close();
    }

    @Test
    void aNewClusterGetsARootCaTokensFromItAndAGossipKey() throws Exception {
        Cluster cluster = ClusterBootstrap.ensureCluster(store, "cluster1");
        RootCa ca = RootCa.fromProto(cluster.getRootCa());
        assertEquals("cluster1", ca.clusterId());
        JoinToken worker = JoinToken.parse(cluster.getJoinTokens().getWorker());
        JoinToken manager = JoinToken.parse(cluster.getJoinTokens().getManager());
        assertEquals(ca.digest(), worker.caDigest());
        assertEquals(ca.digest(), manager.caDigest());
        assertNotEquals(worker.value(), manager.value());
        assertEquals(32, cluster.getGossipKey().size(), "AES-256");
        assertEquals(cluster, store.read(tx -> tx.cluster()).orElseThrow());
    }

    @Test
    void theFirstNodeCanHandInTheCaItIssuedItsOwnCertificateFrom() throws Exception {
        RootCa ca = RootCa.create("cluster1");
        Cluster cluster = ClusterBootstrap.ensureCluster(store, "cluster1", ca);
        assertEquals(ca.certPem(), cluster.getRootCa().getCaCertPem());
        assertEquals(ca.digest(), JoinToken.parse(cluster.getJoinTokens().getWorker()).caDigest());
        RootCa another = RootCa.create("cluster1");
        assertEquals(cluster, ClusterBootstrap.ensureCluster(store, "cluster1", another), "a stored CA is kept");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ClusterBootstrap.ensureCluster(store, "cluster1", RootCa.create("cluster2")));
        assertEquals("the root CA is cluster cluster2's, not cluster1's", e.getMessage());
    }

    @Test
    void aResumedClusterKeepsItsCaAndTokens() throws Exception {
        Cluster first = ClusterBootstrap.ensureCluster(store, "cluster1");
        Cluster again = ClusterBootstrap.ensureCluster(store, "cluster1");
        assertEquals(first, again);
    }

    @Test
    void aClusterMadeBeforeThePkiGetsACaAndTokensThatNameIt() throws Exception {
        store.updateAndWait(tx -> tx.create(Cluster.newBuilder().setId("cluster1")
                .setSpec(ClusterSpec.newBuilder().setName("default").setSchedulerStrategy(ClusterSpec.SchedulerStrategy.BINPACK))
                .setJoinTokens(JoinTokens.newBuilder().setWorker("SWMTKN-1-old").setManager("SWMTKN-1-old"))
                .build()));
        Cluster upgraded = ClusterBootstrap.ensureCluster(store, "ignored-for-an-existing-cluster");
        assertEquals("cluster1", upgraded.getId());
        assertEquals(ClusterSpec.SchedulerStrategy.BINPACK, upgraded.getSpec().getSchedulerStrategy(), "the spec is kept");
        RootCa ca = RootCa.fromProto(upgraded.getRootCa());
        assertEquals("cluster1", ca.clusterId());
        assertEquals(ca.digest(), JoinToken.parse(upgraded.getJoinTokens().getWorker()).caDigest());
        assertEquals(32, upgraded.getGossipKey().size());
    }

    @Test
    void aNewClusterStoresItsAddressPoolsAndAnExistingOneKeepsItsOwn() throws Exception {
        Cluster defaults = ClusterBootstrap.ensureCluster(store, "cluster1");
        assertEquals(java.util.List.of("10.0.0.0/8"), defaults.getDefaultAddressPoolList());
        assertEquals(24, defaults.getSubnetSize());
        assertEquals(4789, defaults.getDataPathPort());

        ClusterStore other = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        other.start();
        var pools = new ClusterBootstrap.AddressPools(java.util.List.of("172.20.0.0/14"), 26, 7789);
        Cluster custom = ClusterBootstrap.ensureCluster(other, "cluster2", RootCa.create("cluster2"), pools);
        assertEquals(java.util.List.of("172.20.0.0/14"), custom.getDefaultAddressPoolList());
        assertEquals(26, custom.getSubnetSize());
        assertEquals(7789, custom.getDataPathPort());
        var resumed = ClusterBootstrap.ensureCluster(other, "cluster2", RootCa.create("cluster2"), ClusterBootstrap.AddressPools.defaults());
        assertEquals(custom, resumed, "pools are fixed when the cluster is created");
        other.proposer().close();
    }
}
