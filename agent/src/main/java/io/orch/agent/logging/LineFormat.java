package io.orch.agent.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Writes one event as text for stderr (one line, a text event's stack trace lines after it). */
interface LineFormat {
    /** Millisecond UTC time with a Z, the same width on every line. */
    DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** @return the event's text, ending in a newline */
    String format(LogEvent event);

    /**
     * "Class: message", and the root cause the same way when it is another exception: what an
     * expected failure (a refused handshake, a peer gone) needs said, without its stack.
     */
    static String summary(Throwable t) {
        Throwable root = t;
        for (int i = 0; root.getCause() != null && root.getCause() != root && i < 32; i++) {
            root = root.getCause();
        }
        String top = t.toString();
        return root == t ? top : top + " (caused by " + root + ")";
    }

    static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
