package io.orch.agent.api;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** since/until as the docker CLI sends them (UNIX seconds.nanoseconds) and as people type them (RFC 3339). */
class LogOptionsTest {
    @Test
    void unixSecondsWithOrWithoutAFraction() throws Exception {
        assertEquals(Instant.ofEpochSecond(1700000000, 1), LogOptions.time("since", "1700000000.000000001"));
        assertEquals(Instant.ofEpochSecond(1700000000, 500_000_000), LogOptions.time("since", "1700000000.5"));
        assertEquals(Instant.ofEpochSecond(1700000000), LogOptions.time("until", "1700000000"));
    }

    @Test
    void rfc3339WithAnyOffset() throws Exception {
        assertEquals(Instant.parse("2025-01-01T10:00:00Z"), LogOptions.time("since", "2025-01-01T12:00:00+02:00"));
        assertEquals(Instant.parse("2025-01-01T10:00:00.123456789Z"), LogOptions.time("since", "2025-01-01T10:00:00.123456789Z"));
    }

    @Test
    void emptyOrZeroIsNoBoundAsInDocker() throws Exception {
        assertNull(LogOptions.time("since", ""));
        assertNull(LogOptions.time("since", "0"));
        assertNull(LogOptions.time("until", "0.000000000"));
    }

    @Test
    void anythingElseIsRefusedNamingTheField() {
        ApiException e = assertThrows(ApiException.class, () -> LogOptions.time("until", "10m"));
        assertTrue(e.getMessage().startsWith("invalid until \"10m\""), e.getMessage());
    }
}
