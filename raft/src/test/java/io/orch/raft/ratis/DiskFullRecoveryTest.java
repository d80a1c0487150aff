package io.orch.raft.ratis;

import io.orch.raft.ApplyResult;
import io.orch.raft.ratis.TestCluster.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A follower whose disk fills up (its storage dir on a small tmpfs, filled by another file) and
 * later has space again: it reports itself unhealthy and refuses writes at once, leaves no partial
 * snapshot, and recovers in the same process once space is freed (catching up from the leader).
 * Needs root (mount); skipped otherwise. On a shared machine run it alone: it mounts file systems.
 */
class DiskFullRecoveryTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String[] IDS = {"n1", "n2", "n3"};

    @TempDir
    Path dir;
    private final List<Path> mounts = new ArrayList<>();
    private TestCluster cluster;

    @BeforeEach
    void mountSmallDisks() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
        for (String id : IDS) {
            Path m = Files.createDirectories(dir.resolve(id));
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", m.toString())
                    .redirectErrorStream(true).start();
            assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "tmpfs mount failed");
            mounts.add(m);
        }
    }

    @AfterEach
    void unmount() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        for (Path m : mounts) {
            new ProcessBuilder("umount", "-l", m.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES) // never hold the machine's IT lock for long
    void aFollowerWithAFullDiskIsUnhealthyRefusesWritesAndRecoversWhenSpaceFrees() throws Exception {
        // small segments: the log rolls (and needs new space) every few hundred entries; frequent
        // snapshots: the full follower tries (and fails) to write some, and resumes past a purged log
        cluster = new TestCluster(dir, s -> s.withSegmentSizeMax(64 << 10).withSnapshotThreshold(500));
        cluster.startGroup(IDS);
        Replica leader = cluster.leader();
        Replica full = cluster.aFollower();
        cluster.propose(leader, 1);
        cluster.awaitAllEqual();

        Path filler = full.settings().storageDir().resolve("filler");
        fill(filler);
        await("unhealthy").atMost(DEADLINE).until(() -> full.proposer().storageProblem().isPresent());
        long started = System.nanoTime();
        Throwable refused = assertThrows(CompletionException.class,
                () -> full.proposer().propose(SummingApplier.command(2)).join()).getCause();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(refused instanceof StorageUnavailableException, refused.toString());
        assertTrue(refused.getMessage().contains("MiB free"), refused.getMessage());
        assertTrue(tookMillis < 1_000, "refused at once, not after a timeout: " + tookMillis + " ms");

        // the others go on; the full follower's log write fails on the way
        // in batches well below the client's 1,000 outstanding requests, so a send never blocks
        for (long batch = 0; batch < 15; batch++) {
            writeBatch(batch);
        }
        await("its log write failed").atMost(DEADLINE).until(() ->
                full.proposer().storageProblem().filter(p -> p.contains("raft log failed")).isPresent());
        assertTrue(full.applier().values().size() < leader.applier().values().size(), "it lags while full");
        assertTrue(full.proposer().staleReads().isPresent(), "its reads are said to be stale while its log cannot be written");
        assertEquals(List.of(), unfinishedSnapshots(full), "no partial snapshot left behind");

        Files.delete(filler);

        await("healthy again, without a restart").atMost(DEADLINE).until(() -> full.proposer().storageProblem().isEmpty());
        assertEquals(Optional.empty(), full.proposer().staleReads());
        await("caught up").atMost(DEADLINE).until(() -> full.applier().values().equals(leader.applier().values()));
        cluster.propose(full, 5_000);
        cluster.awaitAllEqual();
        assertEquals(List.of(), unfinishedSnapshots(full));
    }

    /**
     * Commits one batch through the current leader. On a busy 2-core machine the two healthy
     * replicas may lose each other for an election timeout and elect again; a client retries
     * then, and so does this (a value applied twice is applied twice everywhere, which the
     * comparisons below do not mind). What must hold is that the batch commits before the deadline.
     */
    private void writeBatch(long batch) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            List<CompletableFuture<ApplyResult>> writes = new ArrayList<>();
            Replica via = cluster.leader();
            for (long v = 10 + batch * 200; v < 10 + (batch + 1) * 200; v++) {
                writes.add(via.proposer().propose(SummingApplier.command(v)));
            }
            try {
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof ProposalFailedException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** Writes zeros until the file system says it is full. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            assertTrue(Files.size(file) > 0, "filled: " + full);
        }
    }

    private static List<String> unfinishedSnapshots(Replica r) throws IOException {
        Path sm = RatisTestSupport.groupDir(r.settings()).resolve("sm");
        if (!Files.isDirectory(sm)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(sm)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".writing")).toList();
        }
    }
}
