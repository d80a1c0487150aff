package io.orch.raft.ratis;

import io.orch.raft.ApplyResult;
import io.orch.raft.ratis.TestCluster.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A leader that lost its followers: the first write sent after the loss fails with
 * {@link NoQuorumException} in about four maximum election timeouts, not after the propose timeout.
 * Production timeouts (elections 400..800 ms, proposals 10 s), so the figure printed is the real one.
 */
class QuorumLossTimingTest {
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
    void theFirstWriteOfALeaderThatLostItsFollowersFailsWellBeforeTheProposeTimeout() throws IOException {
        cluster = new TestCluster(dir, s -> s.withElectionTimeouts(RaftSettings.DEFAULT_ELECTION_TIMEOUT_MIN,
                RaftSettings.DEFAULT_ELECTION_TIMEOUT_MAX).withProposeTimeout(RaftSettings.DEFAULT_PROPOSE_TIMEOUT));
        cluster.startGroup("n1", "n2", "n3");
        Replica leader = cluster.leader();
        cluster.propose(leader, 1);
        for (Replica r : cluster.running()) {
            if (r != leader) {
                r.proposer().close();
            }
        }

        long started = System.nanoTime();
        CompletableFuture<ApplyResult> first = leader.proposer().propose(SummingApplier.command(2));
        Throwable failure = assertThrows(Exception.class, () -> first.get(30, TimeUnit.SECONDS)).getCause();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("first write without quorum failed after %d ms (propose timeout %d ms)%n",
                took.toMillis(), RaftSettings.DEFAULT_PROPOSE_TIMEOUT.toMillis());

        assertTrue(failure instanceof NoQuorumException, failure.toString());
        assertEquals("the cluster has no leader: too few managers are reachable (2 of 3 voters needed)",
                failure.getMessage());
        // The target is four maximum election timeouts (3.2 s); the bound is generous for a busy
        // machine but still well under the 10 s propose timeout this used to wait out.
        assertTrue(took.compareTo(Duration.ofSeconds(7)) < 0, "failed after " + took);
    }
}
