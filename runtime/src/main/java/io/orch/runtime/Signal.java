package io.orch.runtime;

import java.util.Locale;
import java.util.Map;

/**
 * A POSIX signal, parsed once from what users write in a service spec or {@code docker kill}
 * ("SIGTERM", "TERM", "sigint", "15", "SIGRTMIN+3"), so the runtimes get a checked value and never
 * a string to interpret each its own way. Numbers are the Linux ones (x86-64 and arm64 agree).
 *
 * @param name   without the SIG prefix ("TERM", "RTMIN+3"): what runc and Docker take
 * @param number what kill(2) takes
 */
public record Signal(String name, int number) {
    public static final Signal TERM = new Signal("TERM", 15);
    public static final Signal KILL = new Signal("KILL", 9);

    /** glibc keeps 32 and 33 for itself: SIGRTMIN is 34 to programs, as Docker and runc count. */
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;

    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8),
            Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12),
            Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("STKFLT", 16),
            Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20),
            Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24),
            Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28),
            Map.entry("IO", 29), Map.entry("PWR", 30), Map.entry("SYS", 31));

    /**
     * Null or blank means SIGTERM, the conventional polite stop.
     *
     * @throws IllegalArgumentException naming the text when it is no signal
     */
    public static Signal parse(String text) {
        if (text == null || text.isBlank()) {
            return TERM;
        }
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (!s.isEmpty() && s.length() <= 3 && s.chars().allMatch(Character::isDigit)) {
            return of(Integer.parseInt(s), text);
        }
        String bare = s.startsWith("SIG") ? s.substring(3) : s;
        Integer n = NUMBERS.get(bare);
        if (n != null) {
            return new Signal(bare, n);
        }
        return realtime(bare, text);
    }

    private static Signal of(int n, String text) {
        for (Map.Entry<String, Integer> e : NUMBERS.entrySet()) {
            if (e.getValue() == n) {
                return new Signal(e.getKey(), n);
            }
        }
        if (n >= RTMIN && n <= RTMAX) {
            return new Signal(n == RTMIN ? "RTMIN" : "RTMIN+" + (n - RTMIN), n);
        }
        throw new IllegalArgumentException("unknown signal number: " + text);
    }

    /** RTMIN, RTMIN+n, RTMAX, RTMAX-n. */
    private static Signal realtime(String bare, String text) {
        int n;
        try {
            if (bare.equals("RTMIN") || bare.equals("RTMAX")) {
                n = bare.equals("RTMIN") ? RTMIN : RTMAX;
            } else if (bare.startsWith("RTMIN+") && bare.length() <= 8) {
                n = RTMIN + Integer.parseInt(bare.substring(6));
            } else if (bare.startsWith("RTMAX-") && bare.length() <= 8) {
                n = RTMAX - Integer.parseInt(bare.substring(6));
            } else {
                throw new IllegalArgumentException("unknown signal: " + text);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown signal: " + text);
        }
        if (n < RTMIN || n > RTMAX) {
            throw new IllegalArgumentException("unknown signal: " + text);
        }
        return of(n, text);
    }

    @Override
    public String toString() {
        return "SIG" + name;
    }
}
