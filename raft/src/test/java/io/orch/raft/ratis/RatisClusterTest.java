package io.orch.raft.ratis;

import io.orch.raft.ApplyResult;
import io.orch.raft.ratis.TestCluster.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.orch.raft.ratis.TestCluster.DEADLINE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three to four replicas in one JVM over loopback gRPC: election, replication, membership, leadership info. */
class RatisClusterTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void close() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void threeReplicasElectOneLeaderAndReplicateProposalsFromAnyReplica() throws IOException {
        cluster = new TestCluster(dir);
        cluster.startGroup("n1", "n2", "n3");
        Replica leader = cluster.leader();
        Replica follower = cluster.aFollower();

        for (long v = 1; v <= 20; v++) {
            cluster.propose(v % 2 == 0 ? leader : follower, v);
        }

        cluster.awaitAllEqual();
        assertEquals(20, leader.applier().values().size());
        assertEquals(Map.of("n1", cluster.get("n1").settings().advertiseAddress(),
                "n2", cluster.get("n2").settings().advertiseAddress(),
                "n3", cluster.get("n3").settings().advertiseAddress()), follower.proposer().voters());
    }

    @Test
    void aProposalFromAFollowerIsAppliedOnThatFollowerWhenItCompletes() throws IOException {
        cluster = new TestCluster(dir);
        cluster.startGroup("n1", "n2", "n3");
        Replica follower = cluster.aFollower();

        for (long v = 1; v <= 20; v++) {
            long index = cluster.propose(follower, v);
            assertTrue(follower.applier().lastAppliedIndex() >= index, "read-your-writes on the proposing replica");
            assertTrue(follower.applier().values().contains(v));
        }
    }

    /**
     * A promoted worker's replica waits for its addVoter as long as the node takes to ask (the
     * certificate renewal, a busy leader): it must not ask for votes meanwhile, or the leader
     * tells it to shut down and the addVoter fails on a closed replica (ServerNotReady) until
     * the join's patience runs out.
     */
    @Test
    void aJoiningReplicaAddedOnlyAfterSeveralElectionTimeoutsBecomesAVoter() throws IOException {
        cluster = new TestCluster(dir);
        cluster.startGroup("n1", "n2", "n3");
        Replica leader = cluster.leader();
        cluster.propose(leader, 1);

        Replica n4 = cluster.startJoining("n4");
        Duration electionTimeoutMax = n4.settings().electionTimeoutMax();
        await("the joining replica is still running across its first election timeouts")
                .during(electionTimeoutMax.multipliedBy(3)).atMost(electionTimeoutMax.multipliedBy(6))
                .until(n4::running);

        leader.proposer().addVoter("n4", n4.settings().advertiseAddress());
        // a new voter proposes once it has its leader in view (before that a write fails fast, as
        // on any replica without a leader: the caller retries)
        await("n4 follows the leader").atMost(TestCluster.DEADLINE)
                .until(() -> n4.proposer().leaderId().filter(leader.id()::equals).isPresent());
        cluster.propose(n4, 2);
        cluster.awaitAllEqual();
        assertEquals(List.of(1L, 2L), n4.applier().values());
    }

    @Test
    void votersCanBeAddedAndRemovedAndEveryReplicaKeepsFindingTheLeader() throws IOException {
        cluster = new TestCluster(dir);
        cluster.startGroup("n1", "n2", "n3");
        Replica originalLeader = cluster.leader();
        cluster.propose(originalLeader, 1);

        Replica n4 = cluster.startJoining("n4");
        assertFalse(n4.proposer().isLeader(), "a joining replica waits as a follower");
        // Added through a follower: the admin request is redirected to the leader.
        cluster.aFollower().proposer().addVoter("n4", n4.settings().advertiseAddress());
        assertEquals(Set.of("n1", "n2", "n3", "n4"), originalLeader.proposer().voters().keySet());
        cluster.propose(n4, 2);
        cluster.awaitAllEqual();
        assertEquals(List.of(1L, 2L), n4.applier().values(), "the new voter got the earlier entries too");

        // Removing the leader makes it step down; the others elect a new one.
        cluster.get("n4").proposer().removeVoter(originalLeader.id());
        originalLeader.proposer().close();
        Replica newLeader = cluster.leader();
        assertTrue(!newLeader.id().equals(originalLeader.id()));
        for (Replica r : cluster.running()) {
            assertEquals(3, r.proposer().voters().size(), r.id() + " sees " + r.proposer().voters());
            assertFalse(r.proposer().voters().containsKey(originalLeader.id()));
        }

        // Every surviving replica, including the ones whose client was built for the first group, proposes.
        long value = 3;
        for (Replica r : cluster.running()) {
            cluster.propose(r, value++);
        }
        cluster.awaitAllEqual();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), n4.applier().values());
    }

    @Test
    void leaderReportsWhenEachFollowerLastAnsweredAndFollowersNameTheLeader() throws IOException {
        cluster = new TestCluster(dir);
        cluster.startGroup("n1", "n2", "n3");
        Replica leader = cluster.leader();
        Replica follower = cluster.aFollower();
        Duration reachable = RaftSettings.DEFAULT_ELECTION_TIMEOUT_MAX;

        assertEquals(leader.id(), follower.proposer().leaderId().orElseThrow());
        assertEquals(leader.id(), leader.proposer().leaderId().orElseThrow());
        assertEquals(Map.of(), follower.proposer().followerLastContact(), "only the leader knows its followers");
        await().atMost(DEADLINE).untilAsserted(() -> {
            Map<String, Duration> contacts = leader.proposer().followerLastContact();
            assertEquals(2, contacts.size(), contacts.toString());
            contacts.values().forEach(d -> assertTrue(d.compareTo(reachable) < 0, contacts.toString()));
        });

        Replica stopped = cluster.running().stream().filter(r -> r != leader).findFirst().orElseThrow();
        stopped.proposer().close();
        await().atMost(DEADLINE).untilAsserted(() ->
                assertTrue(leader.proposer().followerLastContact().get(stopped.id()).compareTo(reachable) > 0,
                        "a stopped follower shows as unreachable: " + leader.proposer().followerLastContact()));
        assertEquals(leader.id(), leader.proposer().leaderId().orElseThrow(), "two of three still make a quorum");
    }

    @Test
    void bindsTheWildcardWhileAdvertisingALoopbackAddress() throws IOException {
        cluster = new TestCluster(dir);
        cluster.startGroup("n1", "n2");
        int port = RatisTestSupport.rangePort();
        String advertised = "127.0.0.1:" + port;
        RaftSettings settings = RatisTestSupport.fast(RaftSettings.joining("n3", "0.0.0.0:" + port, advertised,
                cluster.leader().proposer().voters(), TestCluster.CLUSTER_ID, dir.resolve("n3")));
        Replica n3 = cluster.start(settings);

        cluster.leader().proposer().addVoter("n3", advertised);
        cluster.propose(n3, 7);

        cluster.awaitAllEqual();
        assertEquals(advertised, cluster.leader().proposer().voters().get("n3"));
        assertEquals(List.of(7L), n3.applier().values());
    }

    @Test
    void writesFailWithNoQuorumWhenTwoOfThreeAreGoneButLocalReadsWork() throws IOException {
        cluster = new TestCluster(dir, s -> s.withProposeTimeout(Duration.ofSeconds(3)));
        cluster.startGroup("n1", "n2", "n3");
        Replica leader = cluster.leader();
        cluster.propose(leader, 1);
        cluster.awaitAllEqual();
        Replica survivor = cluster.aFollower();
        for (Replica r : cluster.running()) {
            if (r != survivor) {
                r.proposer().close();
            }
        }

        long started = System.nanoTime();
        Throwable failure = await().atMost(DEADLINE).until(() -> {
            try {
                survivor.proposer().propose(SummingApplier.command(2)).get(10, TimeUnit.SECONDS);
                return null;
            } catch (Exception e) {
                return e.getCause();
            }
        }, e -> e != null);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(failure instanceof NoQuorumException, failure.toString());
        assertEquals("the cluster has no leader: too few managers are reachable (2 of 3 voters needed)",
                failure.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "failed within the propose timeout: " + took);
        assertEquals(List.of(1L), survivor.applier().values(), "the local store still reads");
        assertTrue(survivor.proposer().leaderId().isEmpty());

        // It has known no leader for longer than the failover allowance now: the next write fails at once.
        CompletableFuture<ApplyResult> next = survivor.proposer().propose(SummingApplier.command(3));
        assertTrue(next.isCompletedExceptionally(), "refused without waiting");
        Throwable refused = assertThrows(Exception.class, next::join).getCause();
        assertTrue(refused instanceof NoQuorumException, refused.toString());
    }
}
