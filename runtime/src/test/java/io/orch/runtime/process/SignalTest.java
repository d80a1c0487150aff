package io.orch.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SignalTest {
    @ParameterizedTest
    @ValueSource(strings = {"SIGTERM", "TERM", "sigterm", " term ", "15"})
    void termIsSpelledManyWays(String text) {
        assertEquals(new Signal("TERM", 15), Signal.parse(text));
    }

    @Test
    void blankMeansTermAndOthersMapToLinuxNumbers() {
        assertEquals(Signal.TERM, Signal.parse(null));
        assertEquals(Signal.TERM, Signal.parse(""));
        assertEquals(2, Signal.parse("SIGINT").number());
        assertEquals(new Signal("KILL", 9), Signal.parse("9"));
        assertEquals(10, Signal.parse("usr1").number());
    }

    @Test
    void unknownSignalsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Signal.parse("SIGFOO"));
        assertThrows(IllegalArgumentException.class, () -> Signal.parse("99"));
    }
}
