package io.orch.agent.logging;

import org.slf4j.event.Level;
import picocli.CommandLine.ITypeConverter;

import java.util.Locale;

/** {@code --log-level}: the least severe events the agent writes. */
public enum LogLevel {
    ERROR(Level.ERROR), WARN(Level.WARN), INFO(Level.INFO), DEBUG(Level.DEBUG), TRACE(Level.TRACE);

    final Level slf4j;

    LogLevel(Level slf4j) {
        this.slf4j = slf4j;
    }

    /** Detail the operator asked for: stack traces and third-party libraries' own events. */
    boolean verbose() {
        return this == DEBUG || this == TRACE;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Picocli: the names as written on the command line and in the config file, lower case. */
    public static final class Converter implements ITypeConverter<LogLevel> {
        @Override
        public LogLevel convert(String value) {
            for (LogLevel l : values()) {
                if (l.toString().equals(value)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("expected error, warn, info, debug or trace");
        }
    }
}
