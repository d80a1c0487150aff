package io.orch.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.gossip.sim.VirtualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SuspicionTest {

    private final VirtualScheduler clock = new VirtualScheduler();
    private final long[] firedAt = {-1};

    private Suspicion suspicion(int k) {
        return new Suspicion(clock, "accuser", k, Duration.ofMillis(600), Duration.ofMillis(3000),
                () -> firedAt[0] = clock.nowMillis());
    }

    @Test
    void withoutConfirmationsItRunsTheMaximum() {
        suspicion(3);
        clock.runFor(Duration.ofSeconds(10));
        assertEquals(3000, firedAt[0]);
    }

    @Test
    void confirmationsShrinkTheTimeoutTowardsTheMinimum() {
        Suspicion s = suspicion(3);
        clock.runFor(Duration.ofMillis(100));
        assertTrue(s.confirm("b"));
        assertTrue(s.confirm("c"));
        clock.runFor(Duration.ofMillis(100));
        assertTrue(s.confirm("d"));
        clock.runFor(Duration.ofSeconds(10));
        assertEquals(600, firedAt[0], "three of three confirmations: the minimum, counted from the start");
    }

    @Test
    void aLateConfirmationWhoseTimeoutHasPassedFiresAtOnce() {
        Suspicion s = suspicion(1);
        clock.runFor(Duration.ofMillis(1000));
        assertTrue(s.confirm("b"));
        clock.runFor(Duration.ofMillis(1));
        assertEquals(1000, firedAt[0]);
    }

    @Test
    void repeatedAccusersAndTheFirstAccuserDoNotCount() {
        Suspicion s = suspicion(3);
        assertFalse(s.confirm("accuser"));
        assertTrue(s.confirm("b"));
        assertFalse(s.confirm("b"));
        assertEquals(1, s.confirmations());
    }

    @Test
    void aCancelledSuspicionNeverFires() {
        suspicion(3).cancel();
        clock.runFor(Duration.ofSeconds(10));
        assertEquals(-1, firedAt[0]);
    }
}
