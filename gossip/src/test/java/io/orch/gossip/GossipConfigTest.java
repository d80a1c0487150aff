package io.orch.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests of every derived timeout: the numbers operators reason with. */
class GossipConfigTest {

    @ParameterizedTest(name = "mult {0}, n {1}, interval {2} ms -> {3} ms")
    @CsvSource({
            "1, 1, 200, 200",       // log10 scale never below 1
            "1, 5, 200, 200",
            "1, 10, 200, 200",
            "1, 100, 200, 400",
            "1, 1000, 200, 600",
            "1, 5000, 200, 740",
            "4, 100, 1000, 8000",   // memberlist LAN defaults
            "6, 1000, 5000, 90000"  // wan()
    })
    void suspicionMinTimeoutScalesWithLog10OfClusterSize(int mult, int n, long intervalMs, long expectedMs) {
        assertEquals(Duration.ofMillis(expectedMs),
                GossipConfig.suspicionMinTimeout(mult, n, Duration.ofMillis(intervalMs)));
    }

    @ParameterizedTest(name = "{0} of k={1} confirmations, min {2}, max {3} -> {4} ms")
    @CsvSource({
            "0, 3, 600, 3000, 3000", // no confirmation yet: the maximum
            "1, 3, 600, 3000, 1800", // 3000 - 2400 * log(2)/log(4)
            "2, 3, 600, 3000, 1098", // 3000 - 2400 * log(3)/log(4)
            "3, 3, 600, 3000, 600",  // all confirmations: the minimum
            "7, 3, 600, 3000, 600",  // never below the minimum
            "0, 0, 600, 3000, 600"   // too few members to confirm: the minimum at once
    })
    void suspicionTimeoutFallsLogarithmicallyWithConfirmations(int c, int k, long min, long max, long expected) {
        assertEquals(Duration.ofMillis(expected), GossipConfig.suspicionTimeout(c, k,
                Duration.ofMillis(min), Duration.ofMillis(max)));
    }

    @ParameterizedTest(name = "k={0}, n={1} -> {2}")
    @CsvSource({"3, 2, 0", "3, 4, 0", "3, 5, 3", "3, 1000, 3", "0, 1000, 0"})
    void confirmationsAreExpectedOnlyWhenEnoughMembersCanGiveThem(int k, int n, int expected) {
        assertEquals(expected, GossipConfig.expectedConfirmations(k, n));
    }

    @ParameterizedTest(name = "mult {0}, n {1} -> {2} transmissions")
    @CsvSource({"4, 0, 0", "4, 1, 4", "4, 5, 4", "4, 9, 4", "4, 10, 8", "4, 99, 8", "4, 100, 12", "4, 1000, 16",
            "4, 5000, 16"})
    void retransmitLimitGrowsWithLog10OfClusterSize(int mult, int n, int expected) {
        assertEquals(expected, GossipConfig.retransmitLimit(mult, n));
    }

    @ParameterizedTest(name = "n {0} -> {1} s")
    @CsvSource({"1, 30", "32, 30", "33, 60", "64, 60", "65, 90", "1000, 180", "5000, 270"})
    void pushPullIntervalGrowsBeyond32Members(int n, long expectedSeconds) {
        assertEquals(Duration.ofSeconds(expectedSeconds), GossipConfig.pushPullScale(Duration.ofSeconds(30), n));
    }

    @ParameterizedTest(name = "score {0} -> x{1}")
    @CsvSource({"0, 1", "1, 2", "7, 8"})
    void localHealthScalesTimeoutsLinearly(int score, int factor) {
        assertEquals(Duration.ofMillis(200L * factor), GossipConfig.scaleByHealth(Duration.ofMillis(200), score));
    }

    @Test
    void detectionBoundAddsFirstProbeProbeSuspicionAndDissemination() {
        GossipConfig lan = GossipConfig.lan();
        // 11 probe intervals + max suspicion (5 x 600 ms) + 16 gossip rounds of 100 ms
        assertEquals(Duration.ofMillis(11 * 200 + 3000 + 1600), GossipConfig.detectionBound(lan, 1000));
    }

    @Test
    void profilesAreOrderedFromFastToPatient() {
        assertTrue(GossipConfig.lan().probeInterval().compareTo(GossipConfig.wan().probeInterval()) < 0);
        assertTrue(GossipConfig.local().deadReapTime().compareTo(GossipConfig.lan().deadReapTime()) < 0);
        assertEquals(512, GossipConfig.lan().maxMetadataBytes());
    }

    @Test
    void rejectsAProbeTimeoutThatDoesNotFitInTheInterval() {
        assertThrows(IllegalArgumentException.class,
                () -> GossipConfig.lan().withProbe(Duration.ofMillis(100), Duration.ofMillis(100)));
    }
}
