package io.orch.runtime.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {
    private static HealthSpec spec(int retries, Duration startPeriod) {
        return new HealthSpec(List.of("CMD", "true"), Duration.ofSeconds(1), Duration.ofSeconds(1), startPeriod, retries);
    }

    @Test
    void startsStartingBecomesHealthyOnFirstPassAndUnhealthyAfterRetriesFailures() {
        HealthTracker t = new HealthTracker(spec(3, Duration.ZERO));
        assertEquals(HealthStatus.STARTING, t.status());
        assertEquals(HealthStatus.HEALTHY, t.record(true, Duration.ofSeconds(1)));
        assertEquals(HealthStatus.HEALTHY, t.record(false, Duration.ofSeconds(2)));
        assertEquals(HealthStatus.HEALTHY, t.record(false, Duration.ofSeconds(3)));
        assertEquals(HealthStatus.UNHEALTHY, t.record(false, Duration.ofSeconds(4)));
        assertEquals(HealthStatus.HEALTHY, t.record(true, Duration.ofSeconds(5)), "a pass recovers it");
    }

    @Test
    void failuresDuringTheStartPeriodDoNotCount() {
        HealthTracker t = new HealthTracker(spec(1, Duration.ofSeconds(10)));
        assertEquals(HealthStatus.STARTING, t.record(false, Duration.ofSeconds(2)));
        assertEquals(HealthStatus.STARTING, t.record(false, Duration.ofSeconds(9)));
        assertEquals(HealthStatus.UNHEALTHY, t.record(false, Duration.ofSeconds(11)));
    }

    @Test
    void theServiceCheckOverridesTheImagesFieldByFieldAndNoneDisables() {
        HealthSpec image = new HealthSpec(List.of("CMD", "img"), Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO, 7);
        HealthSpec service = new HealthSpec(List.of(), Duration.ofSeconds(2), Duration.ZERO, Duration.ZERO, 0);
        HealthSpec eff = HealthSpec.effective(Optional.of(service), Optional.of(image)).orElseThrow();
        assertEquals(List.of("CMD", "img"), eff.test());
        assertEquals(Duration.ofSeconds(2), eff.interval());
        assertEquals(HealthSpec.DEFAULT_TIMEOUT, eff.timeout());
        assertEquals(7, eff.retries());
        assertTrue(HealthSpec.effective(Optional.of(new HealthSpec(List.of("NONE"), null, null, null, 0)), Optional.of(image)).isEmpty());
        assertTrue(HealthSpec.effective(Optional.empty(), Optional.empty()).isEmpty());
        assertEquals(List.of("/bin/sh", "-c", "curl -f x || exit 1"),
                new HealthSpec(List.of("CMD-SHELL", "curl -f x || exit 1"), null, null, null, 0).command().orElseThrow());
    }
}
