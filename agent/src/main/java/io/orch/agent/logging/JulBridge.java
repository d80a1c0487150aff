package io.orch.agent.logging;

import org.slf4j.event.Level;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * java.util.logging into the agent's output: gRPC logs through it (e.g. "Transport failed" with a
 * stack trace for every refused TLS handshake), and its console handler's two-line format would
 * otherwise sit between the agent's lines (and break a JSON log). Same levels, same rules.
 */
final class JulBridge extends Handler {
    private final SimpleFormatter messages = new SimpleFormatter();

    private JulBridge() {}

    /** Replaces the root logger's handlers with this bridge, at the level the agent logs. */
    static void install(LogLevel level) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new JulBridge());
        root.setLevel(switch (level) {
            case ERROR -> java.util.logging.Level.SEVERE;
            case WARN -> java.util.logging.Level.WARNING;
            case INFO -> java.util.logging.Level.INFO;
            case DEBUG -> java.util.logging.Level.FINE;
            case TRACE -> java.util.logging.Level.ALL;
        });
    }

    static Level level(java.util.logging.Level jul) {
        int v = jul.intValue();
        if (v >= java.util.logging.Level.SEVERE.intValue()) {
            return Level.ERROR;
        }
        if (v >= java.util.logging.Level.WARNING.intValue()) {
            return Level.WARN;
        }
        if (v >= java.util.logging.Level.INFO.intValue()) {
            return Level.INFO;
        }
        return v >= java.util.logging.Level.FINE.intValue() ? Level.DEBUG : Level.TRACE;
    }

    @Override
    public void publish(LogRecord record) {
        LogSettings s = LogOutput.settings();
        Level level = level(record.getLevel());
        String logger = record.getLoggerName() == null ? "jul" : record.getLoggerName();
        if (level.toInt() < s.threshold(logger)) {
            return;
        }
        LogOutput.write(s, level, logger, messages.formatMessage(record), record.getThrown());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
