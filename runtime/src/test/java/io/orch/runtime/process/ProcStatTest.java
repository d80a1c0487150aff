package io.orch.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void parsesFieldsAfterACommandNameWithSpacesAndParentheses() {
        String line = "4242 (we (ird) name) Z 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 123456 "
                + "1000 10 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

        ProcStat s = ProcStat.parse(4242, line);

        assertEquals('Z', s.state());
        assertTrue(s.zombie());
        assertEquals(1, s.ppid());
        assertEquals(4242, s.pgrp());
        assertEquals(4242, s.session());
        assertEquals(123456, s.startTicks());
        assertEquals(3_000_000_000L, s.cpuNanos(), "(250 + 50) ticks at 100 Hz");
    }

    @Test
    void readsOurOwnProcess() {
        long self = ProcessHandle.current().pid();
        ProcStat s = ProcStat.read(self).orElseThrow();
        assertEquals(self, s.pid());
        assertTrue(s.startTicks() > 0);
    }

    @Test
    void aLineAsTheKernelWritesItEndsInANewline() {
        String line = "7 (sh) S 1 7 7 0 -1 4194560 100 0 0 0 3 4 0 0 20 0 1 0 99 1000 10 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        ProcStat s = ProcStat.parse(7, line);
        assertEquals('S', s.state());
        assertEquals(99, s.startTicks());
        assertEquals(70_000_000L, s.cpuNanos());
    }

    @Test
    void aTruncatedLineIsRefusedNotMisread() {
        assertThrows(IllegalArgumentException.class, () -> ProcStat.parse(7, "7 (sh) S 1 7 7 0 -1 4194560 100 0 0 0 3 4"));
        assertThrows(IllegalArgumentException.class, () -> ProcStat.parse(7, "7 (sh) S 1 x 7 0 -1 4194560 100 0 0 0 3 4 0 0 20 0 1 0 99"));
    }
}
