package io.orch.runtime.process;

import io.orch.runtime.TaskHandle;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether the process behind a persisted handle is still the task's process. A pid alone
 * is not enough: after the task dies the kernel may hand the pid to an unrelated process, and
 * re-attaching to it would make us stop (kill the group of) a stranger. A check that cannot run
 * (no fd left to read /proc with) answers {@link Unknown}, never "not ours".
 */
final class ReattachCheck {
    /**
     * ProcessHandle start instants are boot time + ticks since boot; the boot time the kernel
     * reports moves (whole seconds) when NTP adjusts the clock. Allow that much, no more.
     */
    static final long START_TIME_TOLERANCE_MILLIS = 2_000;

    sealed interface Verdict permits Same, NotOurs, Unknown {}

    /** The handle's process runs and is provably the task's. */
    record Same(ProcStat stat) implements Verdict {}

    /** Provably not (or no longer) the task's process: gone, a zombie, or another process. */
    record NotOurs(String why) implements Verdict {}

    /** Could not be decided now; ask again later. */
    record Unknown(String why) implements Verdict {}

    private ReattachCheck() {}

    static Verdict check(TaskHandle handle, PidProbe probe) {
        PidProbe.Result result = probe.probe(handle.pid());
        if (result instanceof PidProbe.Unknown u) {
            return new Unknown(u.why());
        }
        if (result instanceof PidProbe.Gone) {
            return new NotOurs("pid " + handle.pid() + " is not running");
        }
        ProcStat stat = ((PidProbe.Alive) result).stat();
        if (stat.zombie()) {
            return new NotOurs("pid " + handle.pid() + " is not running");
        }
        if (stat.pgrp() != handle.pid()) {
            return new NotOurs("pid " + handle.pid() + " does not lead its own process group: not a task of ours");
        }
        Map<String, String> state = handle.driverState();
        String bootId = state.getOrDefault(ProcessTask.STATE_BOOT_ID, "");
        if (!bootId.isEmpty()) {
            String now = ProcFs.bootId();
            if (now.isEmpty()) {
                return new Unknown("cannot read the boot id");
            }
            if (!bootId.equals(now)) {
                return new NotOurs("the node rebooted since the task started");
            }
        }
        String ticks = state.get(ProcessTask.STATE_START_TICKS);
        boolean exact = ticks != null && !ticks.equals("-1");
        Optional<Instant> started = ProcessHandle.of(handle.pid()).flatMap(p -> p.info().startInstant());
        if (started.isPresent()) {
            long delta = Math.abs(started.get().toEpochMilli() - handle.startTimeMillis());
            if (delta > START_TIME_TOLERANCE_MILLIS) {
                return new NotOurs("pid " + handle.pid() + " was started at " + started.get() + ", the task at "
                        + Instant.ofEpochMilli(handle.startTimeMillis()) + ": the pid was reused");
            }
        } else if (!exact) {
            return new Unknown("start time of pid " + handle.pid() + " is unknown");
        }
        // Exact identity when the handle carries it (handles from this driver always do).
        if (exact && !ticks.equals(Long.toString(stat.startTicks()))) {
            return new NotOurs("pid " + handle.pid() + " has another start time since boot: the pid was reused");
        }
        return new Same(stat);
    }
}
