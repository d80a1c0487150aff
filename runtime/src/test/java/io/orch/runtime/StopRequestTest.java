package io.orch.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StopRequestTest {
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    @Test
    void nullSignalAndGraceAreSigtermAndTheDefaultGrace() {
        StopRequest request = StopRequest.of(null, null);

        assertEquals(Signal.TERM, request.first());
        assertEquals(TaskConfig.defaultStopGrace(), request.grace());
        assertEquals(TaskConfig.defaultStopGrace(), request.firstWait(KILL_WAIT));
    }

    @Test
    void aCatchableSignalWaitsTheGrace() {
        StopRequest request = StopRequest.of(Duration.ofSeconds(3), Signal.parse("SIGINT"));

        assertEquals(Signal.parse("INT"), request.first());
        assertEquals(Duration.ofSeconds(3), request.firstWait(KILL_WAIT));
    }

    @Test
    void aFirstSigkillWaitsOnlyForTheKernel() {
        StopRequest request = StopRequest.of(Duration.ofMinutes(5), Signal.parse("9"));

        assertEquals(KILL_WAIT, request.firstWait(KILL_WAIT));
    }
}
