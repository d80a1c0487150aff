package io.orch.runtime.process;

import io.orch.runtime.TaskHandle;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether the process behind a persisted handle is still the task's process. A pid alone
 * is not enough: after the task dies the kernel may hand the pid to an unrelated process, and
 * re-attaching to it would make us stop (kill the group of) a stranger.
 */
final class ReattachCheck {
    /**
     * ProcessHandle start instants are boot time + ticks since boot; the boot time the kernel
     * reports moves (whole seconds) when NTP adjusts the clock. Allow that much, no more.
     */
    static final long START_TIME_TOLERANCE_MILLIS = 2_000;

    private ReattachCheck() {}

    /** Empty when the handle's process is alive and is the same process; else why not. */
    static Optional<String> mismatch(TaskHandle handle) {
        Optional<ProcStat> stat = ProcStat.read(handle.pid());
        if (stat.isEmpty() || stat.get().zombie()) {
            return Optional.of("pid " + handle.pid() + " is not running");
        }
        if (stat.get().pgrp() != handle.pid()) {
            return Optional.of("pid " + handle.pid() + " does not lead its own process group: not a task of ours");
        }
        Optional<Instant> started = ProcessHandle.of(handle.pid()).flatMap(p -> p.info().startInstant());
        if (started.isEmpty()) {
            return Optional.of("start time of pid " + handle.pid() + " is unknown");
        }
        long delta = Math.abs(started.get().toEpochMilli() - handle.startTimeMillis());
        if (delta > START_TIME_TOLERANCE_MILLIS) {
            return Optional.of("pid " + handle.pid() + " was started at " + started.get() + ", the task at "
                    + Instant.ofEpochMilli(handle.startTimeMillis()) + ": the pid was reused");
        }
        // Exact identity when the handle carries it (handles from this driver always do).
        Map<String, String> state = handle.driverState();
        String bootId = state.get(ProcessTask.STATE_BOOT_ID);
        if (bootId != null && !bootId.isEmpty() && !bootId.equals(ProcFs.bootId())) {
            return Optional.of("the node rebooted since the task started");
        }
        String ticks = state.get(ProcessTask.STATE_START_TICKS);
        if (ticks != null && !ticks.equals("-1") && !ticks.equals(Long.toString(stat.get().startTicks()))) {
            return Optional.of("pid " + handle.pid() + " has another start time since boot: the pid was reused");
        }
        return Optional.empty();
    }
}
