package io.orch.agent.logging;

import org.slf4j.event.Level;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * What is written, how and where: the level, the format, and stderr as it is at each write.
 *
 * <p>Libraries the agent embeds log their own workings at INFO (Ratis: every election, segment
 * roll and snapshot; Netty, gRPC: connection details): they stay at WARN unless the operator asks
 * for debug or trace. The Ratis client logs an ERROR with a stack trace for the first failed try
 * of every request (e.g. the NotLeaderException a new manager's first write meets before it
 * knows the leader), then follows the redirect and retries; what still fails reaches our caller
 * and is logged there, so that logger is off unless debug or trace.
 */
record LogSettings(LogLevel level, LogFormat format, Supplier<PrintStream> sink) {
    static final List<String> THIRD_PARTY = List.of("org.apache.ratis.", "io.netty.", "io.grpc.");
    static final String RATIS_CLIENT_RETRIES = "org.apache.ratis.client.impl.OrderedAsync";
    /** An int no event reaches: the logger is off. */
    static final int OFF = Integer.MAX_VALUE;

    static LogSettings defaults() {
        return new LogSettings(LogLevel.INFO, LogFormat.TEXT, () -> System.err);
    }

    /** The least severe level (slf4j's int) this logger writes. */
    int threshold(String logger) {
        int own = level.slf4j.toInt();
        if (level.verbose()) {
            return own;
        }
        if (logger.equals(RATIS_CLIENT_RETRIES)) {
            return OFF;
        }
        for (String prefix : THIRD_PARTY) {
            if (logger.startsWith(prefix)) {
                return Math.max(own, Level.WARN.toInt());
            }
        }
        return own;
    }

    /** A stack trace for an unexpected failure (ERROR), or for any throwable when debugging. */
    boolean stack(Level event) {
        return event == Level.ERROR || level.verbose();
    }
}
