package io.orch.agent.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names docs/metrics.md documents: the first cell of each row of its metrics table. */
final class DocumentedMetrics {
    private static final Pattern ROW = Pattern.compile("^\\| `(orch_[a-z0-9_]+)` \\|");
    /** Suffixes a timer or histogram adds to its documented name in a scrape and in PromQL. */
    static final List<String> SUFFIXES = List.of("_bucket", "_count", "_sum", "_max");

    private DocumentedMetrics() {}

    static Path repositoryFile(String relative) {
        // the tests run in the agent module's directory; the docs and the dashboard are the repository's
        Path p = Path.of("..").resolve(relative).normalize();
        if (!Files.exists(p)) {
            throw new AssertionError("not found: " + relative + " (looked in " + p.toAbsolutePath() + ")");
        }
        return p;
    }

    static Set<String> names() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (String line : Files.readAllLines(repositoryFile("docs/metrics.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        if (names.isEmpty()) {
            throw new AssertionError("docs/metrics.md documents no metric: its table's rows start | `orch_...` |");
        }
        return names;
    }

    /** The documented metric {@code sample} (a name in a scrape or a query) belongs to, or null. */
    static String owner(String sample, Set<String> documented) {
        if (documented.contains(sample)) {
            return sample;
        }
        for (String suffix : SUFFIXES) {
            if (sample.endsWith(suffix) && documented.contains(sample.substring(0, sample.length() - suffix.length()))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return null;
    }
}
