package io.orch.cli.progress;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints successive frames. On a terminal it redraws in place (cursor up, clear line); otherwise
 * (pipes, CI, tests) it prints only the lines whose text changed, so logs stay readable.
 */
public final class ProgressPrinter {
    private static final String CLEAR_LINE = "\033[2K\r";
    private final PrintWriter out;
    private final boolean terminal;
    private final Map<String, String> lastPrinted = new HashMap<>();
    private int linesOnScreen;

    public ProgressPrinter(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public void frame(List<ProgressFormatter.Line> lines) {
        if (terminal) {
            if (linesOnScreen > 0) out.print("\033[" + linesOnScreen + "A");
            for (ProgressFormatter.Line l : lines) out.print(CLEAR_LINE + l.text() + "\n");
            // a frame with fewer lines than the last one leaves stale lines below; clear them
            for (int i = lines.size(); i < linesOnScreen; i++) out.print(CLEAR_LINE + "\n");
            if (linesOnScreen > lines.size()) out.print("\033[" + (linesOnScreen - lines.size()) + "A");
            linesOnScreen = lines.size();
        } else {
            for (ProgressFormatter.Line l : lines) {
                if (!l.text().equals(lastPrinted.get(l.key()))) {
                    out.println(l.text());
                    lastPrinted.put(l.key(), l.text());
                }
            }
        }
        out.flush();
    }
}
