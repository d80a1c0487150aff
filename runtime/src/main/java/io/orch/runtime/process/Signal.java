package io.orch.runtime.process;

import java.util.Locale;
import java.util.Map;

/**
 * A POSIX signal parsed from what users write in a service spec ("SIGTERM", "TERM", "sigint",
 * "15"). Numbers are the Linux ones (x86-64 and arm64 agree on these).
 */
record Signal(String name, int number) {
    static final Signal TERM = new Signal("TERM", 15);
    static final Signal KILL = new Signal("KILL", 9);

    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8),
            Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12),
            Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("CHLD", 17),
            Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21),
            Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25),
            Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29),
            Map.entry("PWR", 30), Map.entry("SYS", 31));

    /** Null or blank means SIGTERM, the conventional polite stop. */
    static Signal parse(String text) {
        if (text == null || text.isBlank()) {
            return TERM;
        }
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(s);
            return NUMBERS.entrySet().stream().filter(e -> e.getValue() == n).findFirst()
                    .map(e -> new Signal(e.getKey(), n))
                    .orElseThrow(() -> new IllegalArgumentException("unknown signal number: " + text));
        }
        String bare = s.startsWith("SIG") ? s.substring(3) : s;
        Integer n = NUMBERS.get(bare);
        if (n == null) {
            throw new IllegalArgumentException("unknown signal: " + text);
        }
        return new Signal(bare, n);
    }
}
