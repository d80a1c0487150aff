package io.orch.cli.stack;

import java.util.function.Function;

/**
 * Compose variable substitution in one string: {@code $$} (a literal $), {@code $VAR},
 * {@code ${VAR}}, {@code ${VAR:-default}} (unset or empty), {@code ${VAR-default}} (unset),
 * {@code ${VAR:?error}} / {@code ${VAR?error}} (required), {@code ${VAR:+alt}} / {@code ${VAR+alt}}.
 * Defaults and messages may themselves contain substitutions. Pure: variables come from
 * {@code lookup} (null = unset).
 */
public final class Interpolator {
    /** Why a string could not be interpolated; the caller adds where. */
    public static final class Problem extends RuntimeException {
        Problem(String message) {
            super(message, null, false, false);
        }
    }

    private final Function<String, String> lookup;

    public Interpolator(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    public String apply(String text) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                throw invalid(text);
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int end = closingBrace(text, i + 2);
                if (end < 0) {
                    throw invalid(text);
                }
                out.append(braced(text.substring(i + 2, end), text));
                i = end + 1;
            } else if (isNameStart(next)) {
                int end = i + 1;
                while (end < text.length() && isNamePart(text.charAt(end))) {
                    end++;
                }
                String value = lookup.apply(text.substring(i + 1, end));
                out.append(value == null ? "" : value);
                i = end;
            } else {
                throw invalid(text);
            }
        }
        return out.toString();
    }

    private String braced(String expr, String whole) {
        int n = 0;
        while (n < expr.length() && isNamePart(expr.charAt(n))) {
            n++;
        }
        String name = expr.substring(0, n);
        if (name.isEmpty() || !isNameStart(name.charAt(0))) {
            throw invalid(whole);
        }
        String rest = expr.substring(n);
        String value = lookup.apply(name);
        if (rest.isEmpty()) {
            return value == null ? "" : value;
        }
        boolean colon = rest.startsWith(":");
        String op = colon ? rest.substring(1) : rest;
        if (op.isEmpty()) {
            throw invalid(whole);
        }
        char kind = op.charAt(0);
        String arg = op.substring(1);
        boolean missing = colon ? value == null || value.isEmpty() : value == null;
        switch (kind) {
            case '-':
                return missing ? apply(arg) : value;
            case '?':
                if (missing) {
                    String message = apply(arg);
                    throw new Problem("required variable " + name + " is missing a value"
                            + (message.isEmpty() ? "" : ": " + message));
                }
                return value;
            case '+':
                return missing ? "" : apply(arg);
            default:
                throw invalid(whole);
        }
    }

    /** The index of the brace closing the one opened just before {@code from}, honouring nesting. */
    private static int closingBrace(String text, int from) {
        int depth = 1;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                i++;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                depth++;
                i++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Problem invalid(String text) {
        return new Problem("invalid interpolation format for \"" + text + "\": you may need to escape any $ with another $");
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
