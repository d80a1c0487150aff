package io.orch.agent;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmSafetyFlagsTest {
    @Test
    void theLaunchersFlagsLeaveNothingToSay() {
        assertEquals(List.of(), JvmSafetyFlags.missing(List.of("-XX:+ExitOnOutOfMemoryError", "-XX:-CreateCoredumpOnCrash", "-Xmx512m")));
    }

    @Test
    void aPlainJvmLacksBoth() {
        List<String> missing = JvmSafetyFlags.missing(List.of("-Xmx512m"));
        assertEquals(2, missing.size(), missing.toString());
        assertTrue(missing.get(0).contains("-XX:+ExitOnOutOfMemoryError"));
        assertTrue(missing.get(1).contains("-XX:-CreateCoredumpOnCrash"));
    }

    @Test
    void theLastSettingWins() {
        List<String> missing = JvmSafetyFlags.missing(List.of("-XX:+ExitOnOutOfMemoryError", "-XX:-CreateCoredumpOnCrash",
                "-XX:-ExitOnOutOfMemoryError", "-XX:+CreateCoredumpOnCrash"));
        assertEquals(2, missing.size(), "a user's later flag turned both off again: " + missing);
    }
}
