package io.orch.runtime;

/**
 * How a task ended. {@code exitCode} is 128+signal when killed by a signal (as a shell reports
 * it), or -1 when unknown (a re-attached process whose parent was an earlier agent).
 */
public record ExitResult(int exitCode, int signal, boolean oomKilled, String message) {
    public boolean successful() {
        return exitCode == 0 && !oomKilled;
    }
}
