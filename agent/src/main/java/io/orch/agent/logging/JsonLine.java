package io.orch.agent.logging;

/**
 * One JSON object per line: {@code time}, {@code level}, {@code logger}, {@code thread}, {@code msg},
 * and with a throwable {@code error} ("Class: message") and, when the event carries it, {@code stack}.
 * Everything outside printable ASCII is written as a \\u escape, so the line is the same bytes
 * whatever the agent's locale, and a log collector reads it as UTF-8 or as ASCII alike.
 */
final class JsonLine implements LineFormat {
    @Override
    public String format(LogEvent e) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"time\":\"").append(TIME.format(e.time()));
        b.append("\",\"level\":\"").append(e.level());
        field(b, "logger", e.logger());
        field(b, "thread", e.thread());
        field(b, "msg", e.message());
        if (e.error() != null) {
            field(b, "error", LineFormat.summary(e.error()));
            if (e.stack()) {
                field(b, "stack", LineFormat.stackTrace(e.error()));
            }
        }
        return b.append("\"}\n").toString();
    }

    /** Closes the previous string value and writes {@code ,"name":"value} (the value left open). */
    private static void field(StringBuilder b, String name, String value) {
        b.append("\",\"").append(name).append("\":\"");
        escape(value == null ? "null" : value, b);
    }

    static void escape(String s, StringBuilder b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        // UTF-16 units one by one: a surrogate pair becomes two escapes, as JSON has it
                        b.append("\\u").append(String.format("%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
