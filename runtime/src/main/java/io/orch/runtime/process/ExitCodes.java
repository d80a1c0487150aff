package io.orch.runtime.process;

import io.orch.runtime.ExitResult;

/**
 * Exit status as a shell reports it: the task's supervisor is a shell, which maps a death by
 * signal N to 128+N, so kill -9 gives 137 and SIGTERM 143. That hides whether the process really
 * died of a signal or called exit(137) itself; like a shell we read codes above 128 as signals,
 * which is what users and Docker's API expect.
 */
final class ExitCodes {
    static final String UNKNOWN_AFTER_REATTACH =
            "exit code unknown: the process was re-attached after an agent restart and is not a child of this agent";

    private ExitCodes() {}

    static ExitResult fromExitValue(int code) {
        if (code > 128 && code < 128 + 65) {
            int signal = code - 128;
            return new ExitResult(code, signal, false, "exited with code " + code + " (signal " + signal + ")");
        }
        return new ExitResult(code, 0, false, "exited with code " + code);
    }

    /** The task's supervisor ended (killed) before it could record how the task ended. */
    static ExitResult unrecorded() {
        return new ExitResult(-1, 0, false, "exit code unknown: the task's supervisor was killed before it recorded it");
    }

    static ExitResult unknownAfterReattach() {
        return new ExitResult(-1, 0, false, UNKNOWN_AFTER_REATTACH);
    }
}
