package io.orch.raft.ratis;

import io.orch.raft.ApplyResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static io.orch.raft.ratis.RatisTestSupport.freePort;
import static io.orch.raft.ratis.RatisTestSupport.segmentStartIndexes;
import static io.orch.raft.ratis.RatisTestSupport.settings;
import static io.orch.raft.ratis.RatisTestSupport.snapshotIndexes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RatisProposerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final List<RatisProposer> proposers = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (RatisProposer p : proposers) {
            p.close();
        }
    }

    private RatisProposer start(RaftSettings settings, SummingApplier applier) throws IOException {
        RatisProposer proposer = new RatisProposer(settings);
        proposers.add(proposer);
        proposer.start(applier);
        return proposer;
    }

    private static List<ApplyResult> proposeSequentially(RatisProposer proposer, long from, long to) {
        List<ApplyResult> results = new ArrayList<>();
        for (long v = from; v < to; v++) {
            results.add(proposer.propose(SummingApplier.command(v)).orTimeout(10, TimeUnit.SECONDS).join());
        }
        return results;
    }

    @Test
    void appliesThousandProposalsInOrderAndReturnsTheirResults() throws IOException {
        SummingApplier applier = new SummingApplier();
        RatisProposer proposer = start(settings(dir, freePort()), applier);
        assertTrue(proposer.isLeader(), "a sole voter is a ready leader when start returns");
        List<Long> latencies = new CopyOnWriteArrayList<>();
        proposer.onLatency(latencies::add);

        List<ApplyResult> results = proposeSequentially(proposer, 0, 1_000);

        assertTrue(results.stream().allMatch(ApplyResult::ok));
        long[] indexes = results.stream().mapToLong(ApplyResult::index).toArray();
        for (int i = 1; i < indexes.length; i++) {
            // Not consecutive: Ratis interleaves its own metadata entries (the commit index).
            assertTrue(indexes[i] > indexes[i - 1], "later proposals get later indexes");
        }
        assertEquals(LongStream.range(0, 1_000).boxed().toList(), applier.values());
        assertEquals(Arrays.stream(indexes).boxed().toList(), applier.indexes());
        assertEquals(1_000, latencies.size());
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("propose latency over 1000 sequential proposals (1 voter, fsync): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n",
                sorted[500] / 1e6, sorted[900] / 1e6, sorted[990] / 1e6);
    }

    @Test
    void pipelinedProposalsAreAllAppliedInProposalOrder() throws IOException {
        SummingApplier applier = new SummingApplier();
        RatisProposer proposer = start(settings(dir, freePort()), applier);
        List<CompletableFuture<ApplyResult>> futures = new ArrayList<>();
        for (long v = 0; v < 500; v++) {
            futures.add(proposer.propose(SummingApplier.command(v)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
        assertEquals(LongStream.range(0, 500).boxed().toList(), applier.values(),
                "one client's proposals commit in the order they were made");
    }

    @Test
    void restartOnTheSameDirectoryRecoversEverything() throws IOException {
        RaftSettings snapshotOnStop = settings(dir.resolve("a"), freePort());
        RaftSettings replayLog = settings(dir.resolve("b"), freePort()).withSnapshotOnStop(false);
        for (RaftSettings settings : List.of(snapshotOnStop, replayLog)) {
            SummingApplier first = new SummingApplier();
            RatisProposer proposer = start(settings, first);
            proposeSequentially(proposer, 1, 1_001);
            proposer.close();

            SummingApplier second = new SummingApplier();
            RatisProposer restarted = start(settings, second);
            assertEquals(first.values(), second.values());
            assertEquals(first.indexes(), second.indexes());
            assertTrue(restarted.isLeader());
            assertEquals(settings.snapshotOnStop() ? 1 : 0, second.restores());
            System.out.printf("restart with 1000 entries (%s): start took %d ms%n",
                    settings.snapshotOnStop() ? "from snapshot taken at stop" : "replaying the log", restarted.startMillis());

            ApplyResult next = restarted.propose(SummingApplier.command(5_000)).orTimeout(10, TimeUnit.SECONDS).join();
            assertTrue(next.ok());
            assertTrue(next.index() > first.lastAppliedIndex(), "indexes keep growing after a restart");
        }
    }

    @Test
    void aSoleReplicaRestartedOnAnotherAddressTakesWrites() throws IOException {
        SummingApplier first = new SummingApplier();
        RatisProposer proposer = start(settings(dir, freePort()), first);
        proposeSequentially(proposer, 1, 10);
        proposer.close();

        RaftSettings moved = settings(dir, freePort());
        RatisProposer restarted = start(moved, new SummingApplier());
        ApplyResult next = restarted.propose(SummingApplier.command(11)).orTimeout(10, TimeUnit.SECONDS).join();
        assertTrue(next.ok(), "a proposal reaches the replica at its new address");
    }

    @Test
    void snapshotsPurgeTheLogAndRestartRestoresSnapshotPlusTail() throws IOException {
        RaftSettings settings = settings(dir, freePort())
                .withSnapshotThreshold(100)
                .withSegmentSizeMax(4 * 1024)
                .withSnapshotOnStop(false);
        SummingApplier first = new SummingApplier();
        RatisProposer proposer = start(settings, first);
        proposeSequentially(proposer, 1, 1_001);

        await().atMost(DEADLINE).untilAsserted(() -> {
            List<Long> snapshots = snapshotIndexes(settings);
            List<Long> segments = segmentStartIndexes(settings);
            assertFalse(snapshots.isEmpty(), "a snapshot was written");
            assertTrue(snapshots.get(snapshots.size() - 1) >= 1_000, "latest snapshot " + snapshots);
            assertTrue(snapshots.size() <= RaftSettings.SNAPSHOTS_RETAINED, "old snapshots cleaned " + snapshots);
            assertFalse(segments.isEmpty());
            assertTrue(segments.get(0) > 500, "log purged up to the snapshot: segments start at " + segments);
        });
        // Propose a few more so that some commands are only in the log after the latest snapshot.
        AtomicLong next = new AtomicLong(1_001);
        await().atMost(DEADLINE).until(() -> {
            long gap = first.lastAppliedIndex() - latest(snapshotIndexes(settings));
            if (gap >= 5 && gap < settings.snapshotThreshold()) {
                return true; // no further snapshot can come: the gap is below the threshold
            }
            proposer.propose(SummingApplier.command(next.getAndIncrement())).orTimeout(10, TimeUnit.SECONDS).join();
            return false;
        });
        proposer.close();
        long snapshotIndex = latest(snapshotIndexes(settings));
        assertTrue(first.lastAppliedIndex() > snapshotIndex, "some commands are only in the log tail");

        SummingApplier second = new SummingApplier();
        start(settings, second);
        assertEquals(1, second.restores());
        // The snapshot file is named by Ratis' last applied log index, which may be one of Ratis' own
        // metadata entries just after the last command the applier saw: the restored state is
        // that of the latest snapshot when it is at or just below the file's index, and never at an
        // older snapshot's (those are a threshold of entries further back).
        long restored = second.restoredVersion();
        assertTrue(restored <= snapshotIndex && restored > snapshotIndex - settings.snapshotThreshold(),
                "restored the latest snapshot: state at " + restored + ", file at " + snapshotIndex);
        assertEquals(first.values(), second.values(), "snapshot + replayed tail = everything");
        assertEquals(LongStream.range(1, next.get()).sum(), second.sum());
    }

    private static long latest(List<Long> ascending) {
        return ascending.get(ascending.size() - 1);
    }

    @Test
    void rejectedCommandComesBackRejectedWithTheApplierError() throws IOException {
        SummingApplier applier = new SummingApplier();
        RatisProposer proposer = start(settings(dir, freePort()), applier);

        ApplyResult rejected = proposer.propose(SummingApplier.command(-5)).orTimeout(10, TimeUnit.SECONDS).join();
        ApplyResult accepted = proposer.propose(SummingApplier.command(7)).orTimeout(10, TimeUnit.SECONDS).join();

        assertFalse(rejected.ok());
        assertEquals("negative value -5", rejected.error());
        assertTrue(rejected.index() > 0);
        assertTrue(accepted.ok());
        assertTrue(accepted.index() > rejected.index());
        assertEquals(List.of(7L), applier.values());
    }

    @Test
    void leadershipListenerHearsTrueThenFalseOnClose() throws IOException {
        RatisProposer proposer = start(settings(dir, freePort()), new SummingApplier());
        List<Boolean> events = new CopyOnWriteArrayList<>();
        proposer.onLeadershipChange(events::add);
        // The listener first hears the state the notifier holds now: that may still be false when
        // start() returned just before the leader-ready notification was published.
        await().atMost(DEADLINE).until(() -> !events.isEmpty() && events.get(events.size() - 1));
        int heard = events.size();

        proposer.close();
        proposer.close(); // idempotent

        assertEquals(List.of(true, false), events.subList(heard - 1, events.size()));
        assertFalse(proposer.isLeader());
        Throwable failure = assertThrows(Exception.class,
                () -> proposer.propose(SummingApplier.command(1)).join());
        assertTrue(failure.getCause() instanceof ProposalFailedException, failure.toString());
    }

    @Test
    void proposalFailsClearlyWhenNoLeaderCanBeElected() throws IOException {
        // Two voters, the other never started: no quorum, so no leader and no commit.
        String n1 = "127.0.0.1:" + freePort();
        String n2 = "127.0.0.1:" + freePort();
        RaftSettings settings = RatisTestSupport.fast(RaftSettings.singleVoter("n1", n1, "test-cluster", dir))
                .withPeers(Map.of("n1", n1, "n2", n2))
                // longer than the leaderless allowance (four maximum election timeouts: 1.6 s here),
                // so what fails the write is the missing quorum, said plainly, not the timeout
                .withProposeTimeout(Duration.ofSeconds(3));
        RatisProposer proposer = start(settings, new SummingApplier());
        assertFalse(proposer.isLeader());
        AtomicInteger latencies = new AtomicInteger();
        proposer.onLatency(n -> latencies.incrementAndGet());

        long started = System.nanoTime();
        Throwable failure = assertThrows(Exception.class,
                () -> proposer.propose(SummingApplier.command(1)).get(20, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof NoQuorumException, failure.toString());
        assertEquals("the cluster has no leader: too few managers are reachable (2 of 2 voters needed)",
                failure.getCause().getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(10)) < 0);
        assertEquals(0, latencies.get());
    }

    @Test
    void refusesAStorageDirHoldingAnotherClustersGroup() throws IOException {
        java.nio.file.Files.createDirectories(dir.resolve(RaftSettings.groupIdOf("other-cluster").getUuid().toString()));
        RatisProposer proposer = new RatisProposer(settings(dir, freePort()));
        proposers.add(proposer);
        IOException refused = assertThrows(IOException.class, () -> proposer.start(new SummingApplier()));
        assertTrue(refused.getMessage().contains("another cluster"), refused.getMessage());
    }
}
