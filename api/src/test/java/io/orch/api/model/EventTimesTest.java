package io.orch.api.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docker events --since/--until and GET /events: every time form Docker takes. */
class EventTimesTest {
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private static Instant parse(String raw) {
        return EventTimes.parse(raw, NOW, PARIS);
    }

    @Test
    void emptyIsNoBound() {
        assertNull(parse(""));
        assertNull(parse("  "));
        assertNull(parse(null));
    }

    @Test
    void unixSecondsWithAndWithoutAFraction() {
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), parse("1700000000"));
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 1), parse("1700000000.000000001"));
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 500_000_000), parse("1700000000.5"));
    }

    @Test
    void rfc3339WithAnOffsetOrZuluAndWithNanoseconds() {
        assertEquals(Instant.parse("2026-12-05T09:00:00Z"), parse("2026-12-05T09:00:00Z"));
        assertEquals(Instant.parse("2026-12-05T09:00:00.123456789Z"), parse("2026-12-05T09:00:00.123456789Z"));
        assertEquals(Instant.parse("2026-12-05T08:00:00Z"), parse("2026-12-05T09:00:00+01:00"));
    }

    @Test
    void aTimeWithoutAnOffsetAndABareDateAreInTheGivenZone() {
        assertEquals(Instant.parse("2026-12-05T08:00:00Z"), parse("2026-12-05T09:00:00"));
        assertEquals(Instant.parse("2026-12-04T23:00:00Z"), parse("2026-12-05"));
        assertEquals(Instant.parse("2026-12-05T09:00:00Z"), EventTimes.parse("2026-12-05T09:00:00", NOW, ZoneOffset.UTC));
    }

    @Test
    void goDurationsCountBackFromNow() {
        assertEquals(NOW.minusSeconds(600), parse("10m"));
        assertEquals(NOW.minusSeconds(5400), parse("1h30m"));
        assertEquals(NOW.minusMillis(1500), parse("1.5s"));
        assertEquals(NOW.minusMillis(250), parse("250ms"));
        assertEquals(NOW.plusSeconds(60), parse("-1m"), "a negative duration is ahead of now, as Go's time.Add");
    }

    @Test
    void anythingElseIsRefusedNamingTheForms() {
        for (String bad : new String[] {"yesterday", "10 minutes", "2026-13-05", "1h30", "12:00"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(bad), bad);
            assertTrue(e.getMessage().contains("RFC 3339") && e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void theUnixFormIsWhatTheDockerCliSends() {
        assertEquals("1700000000.000000001", EventTimes.unixForm(Instant.ofEpochSecond(1_700_000_000L, 1)));
        assertEquals("1700000000.000000000", EventTimes.unixForm(Instant.ofEpochSecond(1_700_000_000L)));
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 42), parse(EventTimes.unixForm(Instant.ofEpochSecond(1_700_000_000L, 42))));
    }
}
