package io.orch.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void realtimeSignalsCountFromRtminAsDockerDoes() {
        assertEquals(new Signal("RTMIN+3", 37), Signal.parse("SIGRTMIN+3"));
        assertEquals(new Signal("RTMIN", 34), Signal.parse("rtmin"));
        assertEquals(new Signal("RTMIN+30", 64), Signal.parse("SIGRTMAX"));
        assertEquals(new Signal("RTMIN+28", 62), Signal.parse("RTMAX-2"));
        assertEquals(new Signal("RTMIN+1", 35), Signal.parse("35"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SIGFOO", "99", "0", "RTMIN+31", "RTMAX-31", "RTMIN+x", "1234567", "-1"})
    void unknownSignalsAreRejectedNamingTheText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signal.parse(text));
        assertEquals(true, e.getMessage().contains(text.trim()), e.getMessage());
    }
}
