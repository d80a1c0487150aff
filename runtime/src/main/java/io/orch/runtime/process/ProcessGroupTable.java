package io.orch.runtime.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The live processes of every process group, from one pass over /proc, reused for a short while.
 * Usage sampling asks for each running task's group in turn; finding one group's members means
 * reading every process's stat file, so asking per task cost (tasks x processes) reads per sample:
 * with 1,000 tasks (some 4,000 processes) that kept a core busy on an idle node. One pass answers
 * all of them; a pass younger than {@code maxAge} is reused. Supervision (is the group still alive,
 * wait for it to exit) reads /proc afresh instead: it must not act on a stale view.
 */
final class ProcessGroupTable {
    private final Supplier<Map<Long, List<ProcStat>>> scan;
    private final LongSupplier nanoClock;
    private final long maxAgeNanos;
    private Map<Long, List<ProcStat>> groups; // guarded by this
    private long scannedAt; // guarded by this

    ProcessGroupTable(Duration maxAge) {
        this(ProcFs::liveProcessesByGroup, System::nanoTime, maxAge);
    }

    ProcessGroupTable(Supplier<Map<Long, List<ProcStat>>> scan, LongSupplier nanoClock, Duration maxAge) {
        this.scan = scan;
        this.nanoClock = nanoClock;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** The live members of group {@code pgid} as of a pass at most {@code maxAge} old. */
    synchronized List<ProcStat> members(long pgid) {
        long now = nanoClock.getAsLong();
        if (groups == null || now - scannedAt > maxAgeNanos) {
            groups = scan.get();
            scannedAt = now;
        }
        return groups.getOrDefault(pgid, List.of());
    }
}
