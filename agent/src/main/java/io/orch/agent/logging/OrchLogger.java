package io.orch.agent.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A named logger: its threshold from the current settings (recomputed when they change), its events to {@link LogOutput}. */
final class OrchLogger extends AbstractLogger {
    /** The threshold for the settings it was computed for: one immutable pair, so no thread sees half of an update. */
    private record Threshold(LogSettings settings, int level) {}

    private transient Threshold cached;

    OrchLogger(String name) {
        this.name = name;
    }

    private boolean enabled(Level level) {
        LogSettings s = LogOutput.settings();
        Threshold t = cached;
        if (t == null || t.settings() != s) {
            t = new Threshold(s, s.threshold(name)); // racy but idempotent: any thread computes the same
            cached = t;
        }
        return level.toInt() >= t.level();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable error) {
        if (!enabled(level)) {
            return; // the fluent API reaches here without asking first
        }
        String message = args == null || args.length == 0 ? pattern : MessageFormatter.basicArrayFormat(pattern, args);
        LogOutput.write(LogOutput.settings(), level, name, message, error);
    }

    @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
    @Override public boolean isTraceEnabled(Marker marker) { return enabled(Level.TRACE); }
    @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
    @Override public boolean isDebugEnabled(Marker marker) { return enabled(Level.DEBUG); }
    @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
    @Override public boolean isInfoEnabled(Marker marker) { return enabled(Level.INFO); }
    @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
    @Override public boolean isWarnEnabled(Marker marker) { return enabled(Level.WARN); }
    @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }
    @Override public boolean isErrorEnabled(Marker marker) { return enabled(Level.ERROR); }
}
