package io.orch.agent.api;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression from a request (Docker's {@code name} filters), run under a budget. Docker
 * matches them with Go's RE2, which takes linear time whatever the pattern; Java's engine
 * backtracks, and a pattern such as {@code ((a+)*)+b} against a 60-character name would hold an API
 * thread for longer than the universe has existed. So the pattern's length is capped and every
 * match may look at the input's characters at most {@link #MAX_STEPS} times: past that the
 * request gets a 400 naming the filter. Real filters take a few hundred steps.
 */
final class BoundedRegex {
    static final int MAX_PATTERN_CHARS = 1024;
    static final long MAX_STEPS = 1_000_000;

    private final String filter;
    private final Pattern pattern;

    private BoundedRegex(String filter, Pattern pattern) {
        this.filter = filter;
        this.pattern = pattern;
    }

    /** @param filter how the request named it, e.g. {@code name=web.*}, for the 400 */
    static BoundedRegex compile(String filter, String regex) throws ApiException {
        if (regex.length() > MAX_PATTERN_CHARS) {
            throw ApiException.badRequest("invalid filter '" + filter.substring(0, filter.indexOf('=') + 1)
                    + "...': the regular expression is longer than " + MAX_PATTERN_CHARS + " characters");
        }
        try {
            return new BoundedRegex(filter, Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw ApiException.badRequest("invalid filter '" + filter + "': " + e.getDescription());
        }
    }

    /** Whether the pattern occurs in {@code input}, or a 400 if finding out costs too much. */
    boolean find(String input) throws ApiException {
        try {
            return pattern.matcher(new CountedChars(input, MAX_STEPS)).find();
        } catch (StepsExhausted e) {
            throw ApiException.badRequest("invalid filter '" + filter + "': the regular expression backtracks too much"
                    + " (more than " + MAX_STEPS + " steps on one name); simplify it");
        }
    }

    /** The input, counting each character the engine reads. */
    private static final class CountedChars implements CharSequence {
        private final String text;
        private final long budget;
        private long steps;

        CountedChars(String text, long budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (++steps > budget) {
                throw new StepsExhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final class StepsExhausted extends RuntimeException {
        StepsExhausted() {
            super(null, null, false, false); // thrown in a hot loop: no stack trace
        }
    }
}
