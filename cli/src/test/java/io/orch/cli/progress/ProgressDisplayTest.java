package io.orch.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
    @Test
    void runningIsAFullBar() {
        assertEquals("1/3: running   [==================================================>]",
                ProgressFormatter.slotText(new SlotProgress("1/3", "running", null)));
    }

    @Test
    void earlierStatesAreShorterBarsLikeDockers() {
        assertEquals("[=====>                                             ]", ProgressFormatter.bar("new"));
        assertEquals("[================>                                  ]", ProgressFormatter.bar("pending"));
        assertEquals("[============================================>      ]", ProgressFormatter.bar("starting"));
        assertEquals("2/3: preparing " + ProgressFormatter.bar("preparing"), ProgressFormatter.slotText(new SlotProgress("2/3", "preparing", null)));
    }

    @Test
    void anErrorReplacesTheBar() {
        assertEquals("1/1: task: non-zero exit (1)", ProgressFormatter.slotText(new SlotProgress("1/1", "pending", "task: non-zero exit (1)")));
    }

    @Test
    void overallLineCountsTasks() {
        var lines = ProgressFormatter.lines(new ConvergenceSnapshot(2, 3, List.of(), null));
        assertEquals("overall progress: 2 out of 3 tasks", lines.get(0).text());
    }

    @Test
    void plainOutputPrintsOnlyChangedLines() {
        StringWriter sw = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(sw), false);
        p.frame(List.of(new ProgressFormatter.Line("overall", "a"), new ProgressFormatter.Line("1", "x")));
        p.frame(List.of(new ProgressFormatter.Line("overall", "a"), new ProgressFormatter.Line("1", "y")));
        assertEquals("a\nx\ny\n", sw.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void terminalOutputRedrawsInPlace() {
        StringWriter sw = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(sw), true);
        p.frame(List.of(new ProgressFormatter.Line("overall", "a"), new ProgressFormatter.Line("1", "x")));
        p.frame(List.of(new ProgressFormatter.Line("overall", "a"), new ProgressFormatter.Line("1", "y")));
        String out = sw.toString();
        assertTrue(out.contains("\033[2A"), "moves the cursor back up over the previous frame");
        assertTrue(out.endsWith("\033[2K\ry\n"));
    }

    @Test
    void verifyTimerNeedsTheWholePeriodWithoutABreak() {
        VerifyTimer t = new VerifyTimer(1000);
        assertFalse(t.observe(0, true));
        assertFalse(t.observe(500, false));
        assertFalse(t.observe(600, true));
        assertFalse(t.observe(1599, true));
        assertTrue(t.observe(1600, true));
    }

    @Test
    void verifyPeriodIsTheMonitorCappedAtFiveSecondsDefaultOne() {
        assertEquals(1_000_000_000L, VerifyTimer.periodFor(0));
        assertEquals(2_000_000_000L, VerifyTimer.periodFor(2_000_000_000L));
        assertEquals(5_000_000_000L, VerifyTimer.periodFor(30_000_000_000L));
    }
}
