package io.orch.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a process's signal sets (SigIgn, SigBlk, SigCgt) from /proc/PID/status as bit masks. */
public final class SignalState {
    public static final long SIGINT_BIT = 1L << (2 - 1);
    public static final long SIGTERM_BIT = 1L << (15 - 1);

    private SignalState() {}

    public static long of(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseUnsignedLong(line.substring(field.length() + 1).trim(), 16);
            }
        }
        throw new AssertionError(field + " not in /proc/" + pid + "/status");
    }
}
