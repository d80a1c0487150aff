package io.orch.agent.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two line formats: what each field holds, and escaping. */
class LogLinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-12-05T10:00:00.123Z");

    private static LogEvent event(Level level, String message, Throwable error, boolean stack) {
        return new LogEvent(AT, level, "io.orch.agent.Agent", "orch-main", message, error, stack);
    }

    @Test
    void textIsTimeLevelThreadLoggerAndMessageOnOneLine() {
        assertEquals("2026-12-05T10:00:00.123Z INFO  [orch-main] io.orch.agent.Agent - node ready\n",
                new TextLine().format(event(Level.INFO, "node ready", null, false)));
        assertEquals("2026-12-05T10:00:00.123Z ERROR [orch-main] io.orch.agent.Agent - x\n",
                new TextLine().format(event(Level.ERROR, "x", null, false)));
    }

    @Test
    void textEscapesLineBreaksSoAMessageCannotForgeALine() {
        String line = new TextLine().format(event(Level.WARN, "a\nb\r\u0001c\td", null, false));
        assertTrue(line.endsWith(" - a\\nb\\r\\u0001c\td\n"), line);
        assertEquals(1, line.split("\n").length);
    }

    @Test
    void textWithAThrowableAndNoStackIsOneLineNamingTheExceptionAndItsRootCause() {
        IOException e = new IOException("handshake refused", new ConnectException("Connection refused"));
        String line = new TextLine().format(event(Level.WARN, "peer unreachable", e, false));
        assertEquals("2026-12-05T10:00:00.123Z WARN  [orch-main] io.orch.agent.Agent - peer unreachable: "
                + "java.io.IOException: handshake refused (caused by java.net.ConnectException: Connection refused)\n", line);
    }

    @Test
    void textWithAStackHasTheStackTraceAfterTheLine() {
        String text = new TextLine().format(event(Level.ERROR, "boom", new IllegalStateException("bad"), true));
        String[] lines = text.split("\n");
        assertTrue(lines[0].endsWith(" - boom: java.lang.IllegalStateException: bad"), lines[0]);
        assertEquals("java.lang.IllegalStateException: bad", lines[1]);
        assertTrue(lines[2].startsWith("\tat "), lines[2]);
    }

    @Test
    void jsonHasEveryFieldAndParsesBackToTheSameStrings() throws IOException {
        String tricky = "quote \" backslash \\ newline \n cr \r tab \t nul \u0000 bell \u0007 del \u007f "
                + "é ü 中文 emoji 😀 line-sep \u2028 slash / {\"json\":1}";
        String line = new JsonLine().format(new LogEvent(AT, Level.INFO, "io.orch.x", "thread \"1\"\n", tricky, null, false));
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        for (char c : line.substring(0, line.length() - 1).toCharArray()) {
            assertTrue(c >= 0x20 && c < 0x7f, "only printable ASCII on the line: " + (int) c);
        }
        JsonNode n = JSON.readTree(line);
        assertEquals("2026-12-05T10:00:00.123Z", n.get("time").asText());
        assertEquals("INFO", n.get("level").asText());
        assertEquals("io.orch.x", n.get("logger").asText());
        assertEquals("thread \"1\"\n", n.get("thread").asText());
        assertEquals(tricky, n.get("msg").asText());
        assertFalse(n.has("error") || n.has("stack"));
    }

    @Test
    void jsonHasTheErrorAlwaysAndTheStackOnlyWhenTheEventCarriesIt() throws IOException {
        IllegalStateException e = new IllegalStateException("a \"quoted\"\nreason");
        JsonNode without = JSON.readTree(new JsonLine().format(event(Level.WARN, "m", e, false)));
        assertEquals("java.lang.IllegalStateException: a \"quoted\"\nreason", without.get("error").asText());
        assertFalse(without.has("stack"));
        JsonNode with = JSON.readTree(new JsonLine().format(event(Level.ERROR, "m", e, true)));
        assertTrue(with.get("stack").asText().contains("\tat io.orch.agent.logging.LogLinesTest"), with.get("stack").asText());
    }
}
