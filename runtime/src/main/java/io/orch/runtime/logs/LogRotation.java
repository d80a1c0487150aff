package io.orch.runtime.logs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * When a task's log file is rotated, as Docker's json-file max-size and max-file: once a record
 * would take the file past {@code maxBytes} (0: never), {@code LOG} becomes {@code LOG.1},
 * {@code LOG.1} becomes {@code LOG.2}, and so on up to {@code LOG.<maxFiles-1>}; with one file the
 * old one is removed. So a stream never takes more than about maxBytes x maxFiles on disk.
 */
public record LogRotation(long maxBytes, int maxFiles) {
    public static final LogRotation NONE = new LogRotation(0, 1);
    /** Docker's bound for max-file (a reader scans this many names at most). */
    public static final int MAX_FILES = 100;

    public LogRotation {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("log max size " + maxBytes + " is negative");
        }
        if (maxFiles < 1 || maxFiles > MAX_FILES) {
            throw new IllegalArgumentException("log max files " + maxFiles + " is not between 1 and " + MAX_FILES);
        }
    }

    /** The rotated files of {@code log} that exist now, oldest first ({@code LOG.N} ... {@code LOG.1}). */
    public static List<Path> rotatedFiles(Path log) {
        List<Path> found = new ArrayList<>();
        for (int i = 1; i < MAX_FILES; i++) {
            Path p = rotated(log, i);
            if (!Files.exists(p)) {
                break;
            }
            found.add(0, p);
        }
        return found;
    }

    /** {@code LOG.i}. */
    public static Path rotated(Path log, int i) {
        return log.resolveSibling(log.getFileName() + "." + i);
    }
}
