package io.orch.raft.ratis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.orch.raft.ratis.RatisTestSupport.freePort;
import static io.orch.raft.ratis.RatisTestSupport.settings;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a replica reports for metrics: leadership, indexes, the leader it saw take over, log and snapshot sizes. */
class RaftStatsTest {
    @TempDir
    Path dir;

    @Test
    void aSoleVoterReportsItsLeadershipIndexesAndSizes() throws IOException {
        RaftSettings settings = settings(dir, freePort()).withSnapshotThreshold(50).withSnapshotOnStop(false);
        RatisProposer proposer = new RatisProposer(settings);
        try {
            proposer.start(new SummingApplier());
            for (long v = 0; v < 120; v++) {
                proposer.propose(SummingApplier.command(v)).orTimeout(10, TimeUnit.SECONDS).join();
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                RaftStats s = proposer.stats();
                assertTrue(s.leader(), "a sole voter leads");
                assertEquals(1, s.leaderChanges(), "it saw one leader take over: itself");
                assertTrue(s.commitIndex() >= 120, "commit index " + s.commitIndex());
                assertEquals(0, s.applyLag(), "all applied once idle: " + s);
                assertTrue(s.logBytes() > 0, "log segments on disk: " + s);
                assertTrue(s.snapshotBytes() > 0, "a snapshot past the threshold: " + s);
            });
        } finally {
            proposer.close();
        }
        assertEquals(RaftStats.NONE, proposer.stats(), "a closed replica reports nothing");
    }

    @Test
    void theApplyLagIsNeverNegative() {
        assertEquals(0, new RaftStats(true, 5, 7, 1, 0, 0).applyLag(), "applied read after a newer commit");
        assertEquals(3, new RaftStats(true, 10, 7, 1, 0, 0).applyLag());
    }
}
