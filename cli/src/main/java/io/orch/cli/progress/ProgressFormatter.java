package io.orch.cli.progress;

import java.util.ArrayList;
import java.util.List;

/**
 * Snapshot to display lines, in docker's wording: {@code overall progress: 2 out of 3 tasks},
 * {@code 1/3: running   [==================================================>]}.
 */
public final class ProgressFormatter {
    private static final int LONGEST_STATE = "preparing".length();
    private static final int MAX_ERROR = 100;

    private ProgressFormatter() {}

    /** Each line is keyed so a plain (non-TTY) printer can tell which ones changed. */
    public record Line(String key, String text) {}

    public static List<Line> lines(ConvergenceSnapshot s) {
        List<Line> lines = new ArrayList<>();
        String total = s.desired() < 0 ? "?" : Long.toString(s.desired());
        lines.add(new Line("overall", "overall progress: " + s.running() + " out of " + total + " tasks"));
        for (SlotProgress slot : s.slots()) lines.add(new Line(slot.key(), slotText(slot)));
        return lines;
    }

    static String slotText(SlotProgress slot) {
        if (slot.error() != null) return slot.key() + ": " + truncate(slot.error());
        return slot.key() + ": " + String.format("%-" + LONGEST_STATE + "s", slot.state()) + " " + bar(slot.state());
    }

    /** jsonmessage's bar: 50 columns, one '=' per 2%, then '>'. */
    public static String bar(String state) {
        int percent = TaskStates.number(state) * 100 / TaskStates.RUNNING;
        int filled = Math.min(50, percent / 2);
        return "[" + "=".repeat(filled) + ">" + " ".repeat(50 - filled) + "]";
    }

    private static String truncate(String err) {
        String e = err.replace('\n', ' ');
        return e.length() > MAX_ERROR ? e.substring(0, MAX_ERROR - 1) + "…" : e;
    }
}
