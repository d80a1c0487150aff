package io.orch.agent.logging;

/**
 * {@code 2026-12-05T10:00:00.123Z INFO  [thread] logger - message}: line breaks and other control
 * characters in a message are escaped, so one event is one line (a message cannot forge another).
 * A throwable is summed up at the end ({@code : Class: message}); its stack trace follows on its
 * own lines only when the event carries it.
 */
final class TextLine implements LineFormat {
    @Override
    public String format(LogEvent e) {
        StringBuilder b = new StringBuilder(128);
        b.append(TIME.format(e.time())).append(' ');
        String level = e.level().toString();
        b.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
        b.append('[');
        escape(e.thread(), b);
        b.append("] ").append(e.logger()).append(" - ");
        escape(e.message(), b);
        if (e.error() != null) {
            b.append(": ");
            escape(LineFormat.summary(e.error()), b);
        }
        b.append('\n');
        if (e.error() != null && e.stack()) {
            b.append(LineFormat.stackTrace(e.error()));
        }
        return b.toString();
    }

    private static void escape(String s, StringBuilder b) {
        if (s == null) {
            b.append("null");
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append('\t');
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
