package io.orch.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProcessGroupTableTest {
    private static ProcStat member(long pid, long pgrp) {
        return new ProcStat(pid, 'S', 1, pgrp, pgrp, 0, 0, 1);
    }

    @Test
    void everyGroupAskedForWithinTheMaxAgeIsAnsweredFromOnePassOverProc() {
        AtomicInteger scans = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        ProcessGroupTable table = new ProcessGroupTable(() -> {
            scans.incrementAndGet();
            return Map.of(10L, List.of(member(10, 10), member(11, 10)), 20L, List.of(member(20, 20)));
        }, now::get, Duration.ofSeconds(1));

        for (int task = 0; task < 1_000; task++) {
            table.members(task % 2 == 0 ? 10 : 20);
        }

        assertEquals(1, scans.get(), "one pass for a whole sample of tasks");
        assertEquals(2, table.members(10).size());
        assertEquals(List.of(), table.members(30), "a group with no live process has no members");
    }

    @Test
    void aPassOlderThanTheMaxAgeIsReplaced() {
        AtomicInteger scans = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        ProcessGroupTable table = new ProcessGroupTable(() -> scans.incrementAndGet() == 1
                ? Map.of(10L, List.of(member(10, 10)))
                : Map.of(), now::get, Duration.ofSeconds(1));

        assertEquals(1, table.members(10).size());
        now.addAndGet(Duration.ofMillis(1_001).toNanos());

        assertEquals(List.of(), table.members(10), "the group exited: the next pass says so");
        assertEquals(2, scans.get());
    }

    @Test
    void theRealPassFindsThisJvmInItsProcessGroup() {
        long self = ProcessHandle.current().pid();
        long group = ProcStat.read(self).orElseThrow().pgrp();

        List<ProcStat> members = new ProcessGroupTable(Duration.ofSeconds(1)).members(group);

        assertTrue(members.stream().anyMatch(m -> m.pid() == self), "pid " + self + " in group " + group + ": " + members);
    }
}
