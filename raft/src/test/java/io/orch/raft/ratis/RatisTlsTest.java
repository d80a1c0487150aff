package io.orch.raft.ratis;

import io.orch.raft.ratis.TestCluster.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replicas talking Raft over mutual TLS, with certificates of the cluster CA and of a foreign one. */
class RatisTlsTest {
    @TempDir
    static Path certificateDir;
    private static TestCertificates certificates;
    @TempDir
    Path dir;
    private TestCluster cluster;

    /** Made once for the class: every keytool run starts a JVM. The two CAs are made side by side. */
    @BeforeAll
    static void certificateAuthorities() throws Exception {
        certificates = new TestCertificates(certificateDir);
        CompletableFuture<Void> foreign = CompletableFuture.runAsync(() -> {
            try {
                certificates.createCa("foreign-ca");
                certificates.issue("intruder", "foreign-ca");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        certificates.createCa("cluster-ca");
        for (String node : List.of("n1", "n2", "n3", "n1-renewed", "n2-renewed")) {
            certificates.issue(node, "cluster-ca");
        }
        foreign.join();
    }

    @BeforeEach
    void cluster() {
        cluster = new TestCluster(dir);
    }

    @AfterEach
    void close() throws IOException {
        cluster.close();
    }

    private RaftSettings settings(String id, String address, Map<String, String> peers, RaftTls tls) {
        return RatisTestSupport.fast(RaftSettings.singleVoter(id, address, TestCluster.CLUSTER_ID, dir.resolve(id)))
                .withPeers(peers)
                .withTls(tls)
                .withProposeTimeout(Duration.ofSeconds(2));
    }

    /** Starts n1 and n2 with certificates of the cluster CA. */
    private void startTwoTrustedReplicas() throws IOException, GeneralSecurityException {
        Map<String, String> peers = new TreeMap<>(Map.of("n1", TestCluster.loopback(), "n2", TestCluster.loopback()));
        for (String id : peers.keySet()) {
            cluster.start(settings(id, peers.get(id), peers, certificates.tls(id, "cluster-ca", "cluster-ca")));
        }
    }

    @Test
    void replicasWithCertificatesOfTheClusterCaElectReplicateAndAddAThird() throws Exception {
        startTwoTrustedReplicas();
        Replica leader = cluster.leader();
        cluster.propose(cluster.aFollower(), 1);

        String address = TestCluster.loopback();
        Map<String, String> peers = new TreeMap<>(leader.proposer().voters());
        peers.put("n3", address);
        Replica n3 = cluster.start(settings("n3", address, peers, certificates.tls("n3", "cluster-ca", "cluster-ca")));
        leader.proposer().addVoter("n3", address);
        cluster.propose(n3, 2);

        cluster.awaitAllEqual();
        assertEquals(List.of(1L, 2L), n3.applier().values());
        assertEquals(Set.of("n1", "n2", "n3"), leader.proposer().voters().keySet());
    }

    /**
     * A node's certificate is renewed while its replica runs: Ratis builds its TLS contexts once,
     * from the key manager it is given, and asks that key manager at every handshake, so the
     * replicas' connections made after the renewal (here to a replica added then) present the new
     * certificates, as servers and as clients, without a restart.
     */
    @Test
    void connectionsMadeAfterACertificateIsRenewedPresentTheNewOne() throws Exception {
        Map<String, String> peers = new TreeMap<>(Map.of("n1", TestCluster.loopback(), "n2", TestCluster.loopback()));
        Map<String, SwappableKeyManager> keys = new TreeMap<>();
        for (String id : peers.keySet()) {
            keys.put(id, new SwappableKeyManager(certificates.keyManager(id, "cluster-ca")));
            cluster.start(settings(id, peers.get(id), peers, new RaftTls(keys.get(id), certificates.trustManager("cluster-ca"))));
        }
        Replica leader = cluster.leader();
        cluster.propose(cluster.aFollower(), 1);

        for (String id : peers.keySet()) {
            keys.get(id).swap(certificates.keyManager(id + "-renewed", "cluster-ca"));
        }
        String address = TestCluster.loopback();
        Map<String, String> withN3 = new TreeMap<>(leader.proposer().voters());
        withN3.put("n3", address);
        RecordingTrustManager n3Trust = new RecordingTrustManager(certificates.trustManager("cluster-ca"));
        Replica n3 = cluster.start(settings("n3", address, withN3, new RaftTls(certificates.keyManager("n3", "cluster-ca"), n3Trust)));
        leader.proposer().addVoter("n3", address);
        cluster.propose(n3, 2); // n3 dials the leader, the leader has been dialling n3
        cluster.awaitAllEqual();

        Set<java.math.BigInteger> renewed = Set.of(certificates.serial("n1-renewed", "cluster-ca"),
                certificates.serial("n2-renewed", "cluster-ca"));
        Set<java.math.BigInteger> old = Set.of(certificates.serial("n1", "cluster-ca"), certificates.serial("n2", "cluster-ca"));
        Set<java.math.BigInteger> seen = n3Trust.seen();
        assertTrue(seen.stream().anyMatch(renewed::contains), "n3 was shown a renewed certificate: " + seen + ", renewed " + renewed);
        assertTrue(seen.stream().noneMatch(old::contains), "and never an old one: " + seen + ", old " + old);
        assertEquals(List.of(1L, 2L), n3.applier().values());
    }

    @Test
    void aReplicaWithACertificateOfAnotherCaCannotJoin() throws Exception {
        startTwoTrustedReplicas();
        Replica leader = cluster.leader();
        cluster.propose(leader, 1);

        String address = TestCluster.loopback();
        Map<String, String> peers = new TreeMap<>(leader.proposer().voters());
        peers.put("n3", address);
        // Signed by the foreign CA, though it trusts the cluster CA: the cluster's replicas refuse it
        // as a client, and refuse its server certificate when they dial it.
        Replica intruder = cluster.start(settings("n3", address, peers, certificates.tls("intruder", "foreign-ca", "cluster-ca")));

        IOException refused = assertThrows(IOException.class, () -> leader.proposer().addVoter("n3", address));
        System.out.println("adding a replica with a foreign certificate failed: " + refused.getMessage());

        assertEquals(Set.of("n1", "n2"), leader.proposer().voters().keySet());
        assertEquals(List.of(), intruder.applier().values(), "nothing was replicated to it");
        assertTrue(intruder.proposer().propose(SummingApplier.command(9)).handle((r, e) -> e).join() != null,
                "it cannot write through the cluster either");
        cluster.propose(leader, 2);
        assertEquals(List.of(1L, 2L), leader.applier().values());
    }
}
