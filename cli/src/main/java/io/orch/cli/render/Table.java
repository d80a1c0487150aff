package io.orch.cli.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Column layout like docker's tabwriter (min width 10, padding 3): each column but the last is
 * padded to its widest cell plus three spaces; trailing blanks are trimmed.
 */
public final class Table {
    private static final int MIN_WIDTH = 10;
    private static final int PADDING = 3;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
        rows.add(header);
    }

    public Table row(String... cells) {
        rows.add(cells);
        return this;
    }

    public String render() {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < cols - 1; c++) width[c] = Math.max(width[c], Math.max(MIN_WIDTH, cell(r, c).length() + PADDING));
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                String v = cell(r, c);
                line.append(v);
                if (c < cols - 1) line.append(" ".repeat(width[c] - v.length()));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private static String cell(String[] row, int c) {
        return c < row.length && row[c] != null ? row[c] : "";
    }
}
