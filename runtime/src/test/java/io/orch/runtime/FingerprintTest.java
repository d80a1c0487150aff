package io.orch.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void aProblemIsTheAnswerAndTheProbeDoesNotRun() {
        Fingerprint f = Fingerprint.unlessUnavailable(Optional.of("no runc"), () -> {
            throw new AssertionError("probed although unavailable");
        });

        assertFalse(f.available());
        assertEquals("no runc", f.reason());
    }

    @Test
    void withoutAProblemTheProbeAnswers() {
        Fingerprint probed = Fingerprint.available(Map.of("runc.version", "1.1"));

        assertEquals(probed, Fingerprint.unlessUnavailable(Optional.empty(), () -> probed));
    }
}
