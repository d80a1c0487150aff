package io.orch.gossip.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.gossip.GossipConfig;
import io.orch.gossip.Member;
import io.orch.gossip.MemberState;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A planned restart (leave with a restart grace) in virtual time: the others report the member LEFT
 * and restarting until it is back, or until the grace runs out. The observer checks the event rules
 * after every event (a second LEFT only when a grace ran out).
 */
class RestartGraceTest {

    private static final GossipConfig CONFIG = GossipConfig.local();
    private static final int SIZE = 6;
    private static final int RESTARTER = 3;

    private static SimulatedCluster started() {
        SimulatedCluster cluster = new SimulatedCluster(17, SIZE, CONFIG, 0.0);
        cluster.startAll(Duration.ofSeconds(30));
        return cluster;
    }

    private static Member view(SimulatedCluster c, int observer) {
        return c.member(observer).member(c.name(RESTARTER)).orElseThrow();
    }

    private static IntStream others() {
        return IntStream.range(0, SIZE).filter(i -> i != RESTARTER);
    }

    @Test
    void aMemberBackWithinItsGraceIsRestartingMeanwhileThenAliveAndNeverDead() {
        SimulatedCluster c = started();
        c.member(RESTARTER).leaveForRestart(Duration.ofSeconds(30), Duration.ofSeconds(2));
        assertTrue(c.runUntil(() -> others().allMatch(i -> view(c, i).restarting()), Duration.ofSeconds(5),
                Duration.ofMillis(50)), "everyone heard the announcement");
        c.kill(RESTARTER);
        c.runFor(GossipConfig.detectionBound(CONFIG, SIZE).multipliedBy(3)); // far longer than a death takes

        others().forEach(i -> {
            assertEquals(MemberState.LEFT, view(c, i).state(), "member " + i);
            assertTrue(view(c, i).restarting(), "member " + i + " still expects it back");
        });

        c.restart(RESTARTER);
        assertTrue(c.runUntil(c::converged, Duration.ofSeconds(20), Duration.ofMillis(100)), "back and alive everywhere");
        others().forEach(i -> assertFalse(view(c, i).restarting()));
        assertEquals(List.of(), c.observer().falseDeaths());
    }

    @Test
    void aMemberNotBackWithinItsGraceHasSimplyLeftOnceItRunsOut() {
        SimulatedCluster c = started();
        c.member(RESTARTER).leaveForRestart(Duration.ofSeconds(5), Duration.ofSeconds(2));
        c.runFor(Duration.ofSeconds(1));
        c.kill(RESTARTER);
        c.runFor(Duration.ofSeconds(3));
        others().forEach(i -> assertTrue(view(c, i).restarting(), "member " + i + " within the grace"));

        c.runFor(Duration.ofSeconds(2));

        others().forEach(i -> {
            assertEquals(MemberState.LEFT, view(c, i).state());
            assertFalse(view(c, i).restarting(), "member " + i + ": the grace ran out");
        });
    }

    @Test
    void aPlainLeaveAnnouncesNoRestart() {
        SimulatedCluster c = started();
        c.member(RESTARTER).leave(Duration.ofSeconds(2));
        assertTrue(c.runUntil(() -> others().allMatch(i -> view(c, i).state() == MemberState.LEFT),
                Duration.ofSeconds(5), Duration.ofMillis(50)));
        others().forEach(i -> assertFalse(view(c, i).restarting()));
    }
}
