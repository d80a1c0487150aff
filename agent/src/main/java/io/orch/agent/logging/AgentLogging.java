package io.orch.agent.logging;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Sets how the agent logs ({@code --log-level}, {@code --log-format}), once its options are read:
 * events logged before (while the options are parsed) are written at INFO as text. Events of
 * java.util.logging (gRPC's) are written the same way from then on.
 */
public final class AgentLogging {
    private AgentLogging() {}

    public static void configure(LogLevel level, LogFormat format) {
        configure(level, format, () -> System.err);
    }

    /** @param sink where lines go (stderr in the agent; a buffer in tests) */
    static void configure(LogLevel level, LogFormat format, Supplier<PrintStream> sink) {
        LogOutput.use(new LogSettings(level, format, sink));
        JulBridge.install(level);
    }
}
