package io.orch.cli.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({
        "10s, 10000000000", "1m30s, 90000000000", "500ms, 500000000", "1.5h, 5400000000000",
        "0, 0", "0s, 0", "250us, 250000", "250µs, 250000", "7ns, 7", "1h2m3s, 3723000000000", "+5s, 5000000000"
    })
    void parsesGoDurations(String text, long nanos) {
        assertEquals(nanos, Durations.parseNanos(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "abc", "5x", "-5s", "1..5s", ".s", "s", "", "1h30", "999999999999h"})
    void rejectsMalformedDurations(String text) {
        assertThrows(InvalidValueException.class, () -> Durations.parseNanos(text));
    }

    @ParameterizedTest(name = "{0} ns formats as {1}")
    @CsvSource({"0, 0s", "5000000000, 5s", "90000000000, 1m30s", "3723500000000, 1h2m3.5s", "1500000, 1.5ms", "999, 999ns", "3600000000000, 1h0m0s"})
    void formatsLikeGo(long nanos, String text) {
        assertEquals(text, Durations.format(nanos));
    }
}
