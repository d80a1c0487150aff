package io.orch.runtime;

import java.nio.file.Path;

/** Where a task's stdout and stderr are captured (append-only files). */
public record LogFiles(Path stdout, Path stderr) {

    /**
     * The files of the task whose dir is {@code taskDir}: the same names for every runtime, so the
     * agent's log reader finds them the same way, also after the task (and its runtime's memory of
     * it) is gone.
     */
    public static LogFiles in(Path taskDir) {
        return new LogFiles(taskDir.resolve("stdout.log"), taskDir.resolve("stderr.log"));
    }
}
