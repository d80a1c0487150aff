package io.orch.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of {@code /proc/PID/stat} this driver needs. Parsed after the last ')' because the
 * command name (field 2) may itself contain spaces and parentheses.
 *
 * @param state      one letter: R, S, D, Z (zombie), T...
 * @param startTicks start time in clock ticks since boot: with the boot id it identifies a
 *                   process exactly, unlike wall-clock start times which move when the clock is set
 */
record ProcStat(long pid, char state, long ppid, long pgrp, long session,
                long utimeTicks, long stimeTicks, long startTicks) {

    /**
     * Clock ticks per second for /proc times. USER_HZ is part of the kernel's user-space ABI and
     * is 100 on every architecture we run on; Java cannot call sysconf(_SC_CLK_TCK).
     */
    static final long TICKS_PER_SECOND = 100;

    static Optional<ProcStat> read(long pid) {
        try {
            return Optional.of(parse(pid, Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone, or not Linux
        }
    }

    /**
     * Reads the fields in place, without splitting the line: usage sampling parses every process's
     * line on the node each pass, and a split made some 50 strings of each.
     */
    static ProcStat parse(long pid, String line) {
        int at = line.lastIndexOf(')') + 1;
        long[] wanted = new long[WANTED.length];
        char state = 0;
        int w = 0;
        for (int field = 3; w < WANTED.length; field++) {
            while (at < line.length() && line.charAt(at) == ' ') {
                at++;
            }
            int end = at;
            while (end < line.length() && line.charAt(end) != ' ' && line.charAt(end) != '\n') {
                end++;
            }
            if (end == at) {
                throw new IllegalArgumentException("field " + field + " missing");
            }
            if (field == 3) {
                state = line.charAt(at);
            } else if (field == WANTED[w]) {
                wanted[w++] = Long.parseLong(line, at, end, 10);
            }
            at = end;
        }
        return new ProcStat(pid, state, wanted[0], wanted[1], wanted[2], wanted[3], wanted[4], wanted[5]);
    }

    /** The numeric fields kept, by their number in proc(5): ppid, pgrp, session, utime, stime, starttime. */
    private static final int[] WANTED = {4, 5, 6, 14, 15, 22};

    boolean zombie() {
        return state == 'Z' || state == 'X';
    }

    long cpuNanos() {
        return (utimeTicks + stimeTicks) * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
