package io.orch.api.concurrent;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BackoffTest {
    @Test
    void doublesFromTheFirstDelayUpToTheMaximum() {
        Backoff b = Backoff.doublingExact(Duration.ofMillis(100), Duration.ofSeconds(2));
        assertEquals(Duration.ofMillis(100), b.delay(0));
        assertEquals(Duration.ofMillis(200), b.delay(1));
        assertEquals(Duration.ofMillis(1600), b.delay(4));
        assertEquals(Duration.ofSeconds(2), b.delay(5));
        assertEquals(Duration.ofSeconds(2), b.delay(1_000), "a long run of failures stays at the cap, no overflow");
    }

    @Test
    void jitterSpreadsEachDelayAroundItsBase() {
        Backoff low = new Backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1), 0.2, () -> 0.0);
        Backoff high = new Backoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1), 0.2, () -> 0.999999);
        assertEquals(Duration.ofMillis(160), low.delay(1));
        assertEquals(240, high.delay(1).toMillis(), 1);
    }

    @Test
    void refusesSettingsThatMakeNoSense() {
        assertThrows(IllegalArgumentException.class, () -> Backoff.doubling(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> Backoff.doubling(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofMillis(1), 2, Duration.ofSeconds(1), 1.0, () -> 0.5));
    }
}
