package io.orch.runtime;

import java.nio.file.Path;

/** Where a task's stdout and stderr are captured (append-only files). */
public record LogFiles(Path stdout, Path stderr) {}
