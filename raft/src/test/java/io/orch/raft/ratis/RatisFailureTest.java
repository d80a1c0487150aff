package io.orch.raft.ratis;

import io.orch.raft.ApplyResult;
import io.orch.raft.ratis.TestCluster.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.orch.raft.ratis.TestCluster.DEADLINE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Leader loss mid-write, disaster recovery of a cluster without quorum, and fail-stop on an applier bug. */
class RatisFailureTest {
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
    void everyAcknowledgedProposalSurvivesTheLossOfTheLeaderMidStream() throws IOException {
        cluster = new TestCluster(dir);
        cluster.startGroup("n1", "n2", "n3");
        Replica leader = cluster.leader();
        Replica follower = cluster.aFollower();

        List<Long> values = LongStream.rangeClosed(1, 200).boxed().toList();
        List<CompletableFuture<ApplyResult>> futures = new ArrayList<>();
        for (long v : values) {
            Replica via = v % 2 == 0 ? leader : follower;
            futures.add(via.proposer().propose(SummingApplier.command(v)));
        }
        leader.proposer().close();

        Replica newLeader = cluster.leader();
        assertNotEquals(leader.id(), newLeader.id());
        CompletableFuture.allOf(futures.stream().map(f -> f.handle((r, e) -> null)).toArray(CompletableFuture[]::new))
                .orTimeout(DEADLINE.toSeconds(), TimeUnit.SECONDS).join();
        List<Long> acknowledged = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            CompletableFuture<ApplyResult> f = futures.get(i);
            if (!f.isCompletedExceptionally() && f.join().ok()) {
                acknowledged.add(values.get(i));
            }
        }
        System.out.printf("leader closed with 200 proposals in flight: %d acknowledged%n", acknowledged.size());

        cluster.propose(follower, 1_000); // the survivors take writes again
        cluster.awaitAllEqual();
        for (Replica survivor : cluster.running()) {
            assertTrue(Set.copyOf(survivor.applier().values()).containsAll(acknowledged),
                    survivor.id() + " lost acknowledged proposals");
        }
        assertEquals(2, cluster.running().size());
    }

    @Test
    void forceNewClusterRestartsOneManagerAsSoleVoterWithEverythingCommitted() throws IOException {
        cluster = new TestCluster(dir);
        cluster.startGroup("n1", "n2", "n3");
        Replica leader = cluster.leader();
        for (long v = 1; v <= 30; v++) {
            cluster.propose(v % 3 == 0 ? leader : cluster.aFollower(), v);
        }
        cluster.awaitAllEqual();
        Replica survivor = cluster.aFollower();
        for (Replica r : cluster.running()) {
            r.proposer().close();
        }

        Replica forced = cluster.start(survivor.settings().withForceNewCluster(true));

        assertTrue(forced.proposer().isLeader(), "sole voter and ready when start returns");
        assertEquals(Set.of(survivor.id()), forced.proposer().voters().keySet());
        assertEquals(LongStream.rangeClosed(1, 30).boxed().toList(), forced.applier().values(), "nothing committed lost");
        cluster.propose(forced, 31);
        try (Stream<Path> kept = Files.list(survivor.settings().storageDir())) {
            assertTrue(kept.anyMatch(p -> p.getFileName().toString().contains(".before-force-new-cluster-")),
                    "the old group data is kept aside");
        }

        Replica joined = cluster.startJoining("n4");
        forced.proposer().addVoter("n4", joined.settings().advertiseAddress());
        cluster.propose(joined, 32);
        cluster.awaitAllEqual();
        assertEquals(LongStream.rangeClosed(1, 32).boxed().toList(), joined.applier().values());

        // A restart of the forced replica is a normal restart now.
        forced.proposer().close();
        joined.proposer().close();
        Replica restarted = cluster.start(forced.settings().withForceNewCluster(false));
        cluster.start(joined.settings());
        cluster.propose(restarted, 33);
        cluster.awaitAllEqual();
        assertEquals(LongStream.rangeClosed(1, 33).boxed().toList(), restarted.applier().values());
    }

    @Test
    void aReplicaWhoseApplierThrowsStopsItselfWhileTheOthersGoOn() throws IOException {
        cluster = new TestCluster(dir);
        cluster.startGroup(Map.of("n3", new SummingApplier(13)), "n1", "n2", "n3");
        Replica poisoned = cluster.get("n3");
        List<Throwable> heard = new CopyOnWriteArrayList<>();
        poisoned.proposer().onFailure(heard::add);
        Replica writer = cluster.running().stream().filter(r -> r != poisoned).findFirst().orElseThrow();

        for (long v = 10; v <= 20; v++) {
            cluster.propose(writer, v);
        }

        await().atMost(DEADLINE).until(() -> !poisoned.proposer().isRunning());
        assertEquals(1, heard.size());
        String why = poisoned.proposer().failure().orElseThrow().getMessage();
        assertTrue(why.contains("poisoned value 13"), why);
        assertTrue(why.matches("applying raft entry \\d+ failed: .*"), "names the entry: " + why);
        assertEquals(List.of(10L, 11L, 12L), poisoned.applier().values(), "nothing applied after the failed entry");
        assertFalse(poisoned.proposer().isLeader());
        Throwable refused = assertThrows(Exception.class,
                () -> poisoned.proposer().propose(SummingApplier.command(99)).join()).getCause();
        assertTrue(refused instanceof ProposalFailedException, refused.toString());

        cluster.propose(writer, 21);
        cluster.awaitAllEqual();
        assertEquals(LongStream.rangeClosed(10, 21).boxed().toList(), writer.applier().values());
    }
}
