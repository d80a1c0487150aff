package io.orch.raft.ratis;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How often the leader-contact watch samples: calm at rest, four times as often while it matters. */
class ContactWatchPeriodTest {
    private static RaftSettings withMinimumElectionTimeout(long millis) {
        return RaftSettings.singleVoter("n1", "127.0.0.1:1", "c", Path.of("unused"))
                .withElectionTimeouts(Duration.ofMillis(millis), Duration.ofMillis(millis * 2));
    }

    @Test
    void atRestTheWatchSamplesOncePerMinimumElectionTimeout() {
        assertEquals(400, RatisProposer.contactWatchPeriod(withMinimumElectionTimeout(400), false));
    }

    @Test
    void whileProposalsWaitOrTheLeaderIsLateItSamplesFourTimesAsOften() {
        assertEquals(100, RatisProposer.contactWatchPeriod(withMinimumElectionTimeout(400), true));
    }

    @Test
    void neverMoreOftenThanEveryTenMilliseconds() {
        assertEquals(10, RatisProposer.contactWatchPeriod(withMinimumElectionTimeout(20), true));
        assertEquals(10, RatisProposer.contactWatchPeriod(withMinimumElectionTimeout(4), false));
    }
}
