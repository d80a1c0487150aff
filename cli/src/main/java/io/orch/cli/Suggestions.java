package io.orch.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * "Did you mean" for a mistyped subcommand or flag, the way cobra (the docker CLI) finds them:
 * the names within a small edit distance of the typo, or that it is a prefix of; closest first.
 */
final class Suggestions {
    private static final int MAX = 3;

    private Suggestions() {}

    /** @return the names to suggest for {@code typo} in {@code command}; empty when nothing is close */
    static List<String> forArgument(CommandLine command, String typo) {
        CommandSpec spec = command.getCommandSpec();
        List<String> candidates = new ArrayList<>();
        String word = typo;
        if (typo.startsWith("-")) {
            int eq = typo.indexOf('=');
            word = eq > 0 ? typo.substring(0, eq) : typo;
            for (OptionSpec o : spec.options()) {
                if (!o.hidden()) candidates.add(o.longestName());
            }
        } else {
            // primary names only: an alias ("list" for "ls") would suggest the same command twice
            command.getSubcommands().values().forEach(sub -> {
                if (!sub.getCommandSpec().usageMessage().hidden()) candidates.add(sub.getCommandName());
            });
        }
        String target = word;
        // cobra allows 2 edits; for words of 3 letters or fewer that matches half the commands, so 1
        int limit = target.replaceFirst("^-+", "").length() <= 3 ? 1 : 2;
        return candidates.stream().distinct()
                .filter(c -> distance(target, c) <= limit || (target.length() > 1 && c.startsWith(target) && !c.equals(target)))
                .sorted(Comparator.comparingInt((String c) -> distance(target, c)).thenComparing(c -> c))
                .limit(MAX)
                .toList();
    }

    /** Levenshtein distance, case-insensitive as cobra's. */
    static int distance(String a, String b) {
        String s = a.toLowerCase(java.util.Locale.ROOT);
        String t = b.toLowerCase(java.util.Locale.ROOT);
        int[] prev = new int[t.length() + 1];
        int[] cur = new int[t.length() + 1];
        for (int j = 0; j <= t.length(); j++) prev[j] = j;
        for (int i = 1; i <= s.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= t.length(); j++) {
                int cost = s.charAt(i - 1) == t.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[t.length()];
    }
}
