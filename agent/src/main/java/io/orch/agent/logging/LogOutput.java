package io.orch.agent.logging;

import org.slf4j.event.Level;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The one place events are written: the process' settings, and the lock that keeps an event's
 * lines together. Loggers made before the agent read its options follow the settings made after.
 */
final class LogOutput {
    private static volatile LogSettings settings = LogSettings.defaults();
    private static final Object LOCK = new Object();

    private LogOutput() {}

    static LogSettings settings() {
        return settings;
    }

    static void use(LogSettings s) {
        settings = s;
    }

    static void write(LogSettings s, Level level, String logger, String message, Throwable error) {
        LogEvent event = new LogEvent(Instant.now(), level, logger, Thread.currentThread().getName(), message, error,
                error != null && s.stack(level));
        byte[] bytes = s.format().line.format(event).getBytes(StandardCharsets.UTF_8);
        PrintStream out = s.sink().get();
        synchronized (LOCK) {
            out.write(bytes, 0, bytes.length);
            out.flush();
        }
    }
}
