package io.orch.raft.ratis;

import java.time.Duration;
import static org.awaitility.Awaitility.await;
import io.orch.raft.ratis.TestCluster.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A follower killed while writing its log leaves a torn last entry (a kill -9 mid-write). It must
 * start anyway, drop the torn tail (never fsynced, so never acknowledged) and catch up from the
 * leader, as etcd repairs a torn WAL tail.
 */
class TornLogTailTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void close() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Ratis reads a cut entry as the end of the log even without the corruption policy: a pin. */
    @Test
    void aFollowerWithATornLastEntryStartsAndCatchesUpFromTheLeader() throws IOException {
        tornTail(false);
    }

    /** Failed with "Failed to initRaftLog" (ChecksumException) before the WARN_AND_RETURN policy. */
    @Test
    void aFollowerWhoseLastEntryFailsItsChecksumStartsAndCatchesUp() throws IOException {
        tornTail(true);
    }

    private void tornTail(boolean garbleInsteadOfCut) throws IOException {
        // No snapshot at stop: the follower must rebuild from its (damaged) log.
        cluster = new TestCluster(dir, s -> s.withSnapshotOnStop(false));
        cluster.startGroup("n1", "n2", "n3");
        Replica leader = cluster.leader();
        for (long v = 1; v <= 20; v++) {
            cluster.propose(leader, v);
        }
        cluster.awaitAllEqual();
        Replica follower = cluster.aFollower();
        follower.proposer().close();

        Path segment = openSegment(follower.settings());
        long end = dataEnd(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            if (garbleInsteadOfCut) {
                file.seek(end - 6);
                file.write(new byte[] {0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a});
            } else {
                file.setLength(end - 6); // the last entry's checksum and a byte of its body are gone
            }
        }
        for (long v = 21; v <= 25; v++) {
            cluster.propose(leader, v);
        }

        Replica restarted = cluster.start(follower.settings());

        cluster.awaitAllEqual();
        assertEquals(LongStream.rangeClosed(1, 25).boxed().toList(), restarted.applier().values());
        // A replica that has just caught up may not have sampled its leader contact yet on a busy
        // machine (it then refuses at once with NoQuorumException): it must accept a write soon.
        await().atMost(Duration.ofSeconds(30)).ignoreException(java.util.concurrent.CompletionException.class)
                .until(() -> cluster.propose(restarted, 26) > 0);
        cluster.awaitAllEqual();
    }

    private static Path openSegment(RaftSettings settings) throws IOException {
        try (Stream<Path> files = Files.list(RatisTestSupport.groupDir(settings).resolve("current"))) {
            List<Path> open = files.filter(p -> p.getFileName().toString().startsWith("log_inprogress_")).toList();
            assertEquals(1, open.size(), "one open segment: " + open);
            return open.get(0);
        }
    }

    /** Ratis preallocates segments with zeros: the entries end at the last non-zero byte. */
    private static long dataEnd(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        assertTrue(end > 16, "the segment holds entries");
        return end;
    }
}
