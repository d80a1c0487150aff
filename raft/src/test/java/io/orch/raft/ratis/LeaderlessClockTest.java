package io.orch.raft.ratis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LeaderlessClockTest {
    private static final long S = 1_000_000_000L;

    @Test
    void countsFromTheLastContactNotFromTheLastSample() {
        LeaderlessClock clock = new LeaderlessClock(0);
        clock.observe(10 * S, Optional.of(Duration.ofMillis(200)));
        assertEquals(Duration.ofMillis(1_200), clock.leaderlessFor(11 * S));
        // a leader whose followers went quiet 1.5 s ago still reports its (aging) quorum contact
        clock.observe(12 * S, Optional.of(Duration.ofMillis(2_500)));
        assertEquals(Duration.ofMillis(2_200), clock.leaderlessFor(12 * S),
                "an older contact than already known changes nothing");
    }

    @Test
    void aReplicaThatStepsDownToKnowingNoLeaderKeepsCounting() {
        LeaderlessClock clock = new LeaderlessClock(0);
        clock.observe(1 * S, Optional.of(Duration.ZERO)); // leader with a quorum
        clock.observe(3 * S, Optional.of(Duration.ofSeconds(2))); // leader, followers silent since 1 s
        clock.observe(3 * S, Optional.empty()); // stepped down: follower, no leader known
        clock.observe(4 * S, Optional.empty()); // candidate
        assertEquals(Duration.ofSeconds(4), clock.leaderlessFor(5 * S));
    }

    @Test
    void aFreshClockCountsFromItsCreation() {
        LeaderlessClock clock = new LeaderlessClock(7 * S);
        assertEquals(Duration.ofSeconds(2), clock.leaderlessFor(9 * S));
        assertEquals(Duration.ZERO, clock.leaderlessFor(6 * S));
    }
}
