package io.orch.raft.ratis;

import org.apache.ratis.util.ExitUtils;

/**
 * Keeps Ratis from ending the JVM. By default Ratis calls {@code System.exit} when its gRPC server
 * cannot start (e.g. the Raft port is taken) and installs a default uncaught-exception handler that
 * exits on any thread's uncaught exception. Inside an agent that holds locks and runs a shutdown
 * hook, that exit hangs the process half-stopped. Guarded, {@code terminate} throws instead, so the
 * failure reaches {@link RatisProposer#start} and the caller fails cleanly.
 */
final class RatisExitGuard {
    private RatisExitGuard() {}

    /** Idempotent; call before any Ratis server is built. */
    static synchronized void install() {
        // touching ExitUtils initialises its state, which replaces the default handler: keep ours
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        ExitUtils.disableSystemExit();
        ExitUtils.setTerminateOnUncaughtException(false);
        // (if Ratis got there first, its handler, now inert, would swallow every uncaught exception:
        // back to the JVM's own, which prints it)
        boolean ratisOwn = before != null && before.getClass().getName().startsWith("org.apache.ratis.");
        Thread.setDefaultUncaughtExceptionHandler(ratisOwn ? null : before);
    }
}
