package io.orch.runtime.logs;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogRecordTest {
    private static final Instant FALLBACK = Instant.parse("2020-01-01T00:00:00Z");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFullLineKeepsItsTimeAndNewline() {
        LogRecord r = LogRecord.parse(b("2026-01-01T10:00:00.123456000Z stdout F hello world\n"), FALLBACK);
        assertEquals(Instant.parse("2026-01-01T10:00:00.123456Z"), r.time());
        assertArrayEquals(b("hello world\n"), r.content());
        assertFalse(r.partial());
    }

    @Test
    void aPartialRecordsSeparatorIsNotContent() {
        LogRecord r = LogRecord.parse(b("2026-01-01T10:00:00Z stderr P no newline\n"), FALLBACK);
        assertArrayEquals(b("no newline"), r.content());
        assertTrue(r.partial());
    }

    @Test
    void rawLinesFromBeforeTheStamperGetTheFallbackTime() {
        for (String raw : new String[] {"hello\n", "2026-01-01 not a record\n", "2026-01-01T10:00:00Z stdout X y\n",
                "2026-13-45T99:00:00Z stdout F looks like one\n", "\n", ""}) {
            LogRecord r = LogRecord.parse(b(raw), FALLBACK);
            assertEquals(FALLBACK, r.time(), raw);
            assertArrayEquals(b(raw), r.content(), raw);
        }
    }

    @Test
    void formatAndParseRoundTrip() {
        Instant t = Instant.parse("2026-05-06T07:08:09.000000123Z");
        LogRecord full = LogRecord.parse(LogRecord.format(t, "stdout", b("line\n"), false), FALLBACK);
        assertEquals(t, full.time());
        assertArrayEquals(b("line\n"), full.content());
        LogRecord piece = LogRecord.parse(LogRecord.format(t, "stderr", b("piece"), true), FALLBACK);
        assertArrayEquals(b("piece"), piece.content());
        assertTrue(piece.partial());
    }
}
