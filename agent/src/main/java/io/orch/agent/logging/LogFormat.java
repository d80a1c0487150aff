package io.orch.agent.logging;

import picocli.CommandLine.ITypeConverter;

import java.util.Locale;

/** {@code --log-format}: how each event is written to stderr. */
public enum LogFormat {
    /** One line for a person: time, level, thread, logger, message. */
    TEXT(new TextLine()),
    /** One JSON object per line, for a log collector. */
    JSON(new JsonLine());

    final LineFormat line;

    LogFormat(LineFormat line) {
        this.line = line;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Picocli: text or json, lower case. */
    public static final class Converter implements ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            for (LogFormat f : values()) {
                if (f.toString().equals(value)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("expected text or json");
        }
    }
}
