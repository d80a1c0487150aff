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

    static ProcStat parse(long pid, String line) {
        String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state) of proc(5); field n is f[n - 3].
        return new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
                Long.parseLong(f[3]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[19]));
    }

    boolean zombie() {
        return state == 'Z' || state == 'X';
    }

    long cpuNanos() {
        return (utimeTicks + stimeTicks) * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
