package io.orch.agent.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundedRegexTest {
    @Test
    void findsAsDockerDoes() throws Exception {
        BoundedRegex web = BoundedRegex.compile("name=^/web\\.", "^/web\\.");
        assertTrue(web.find("/web.1.abc"));
        assertFalse(web.find("/db.1.abc"));
        assertTrue(BoundedRegex.compile("name=1", "1").find("/web.1.abc"), "searched, not matched whole");
    }

    @Test
    void aCatastrophicPatternIsA400NotAStuckThread() throws Exception {
        BoundedRegex evil = BoundedRegex.compile("name=((a+)*)+b", "((a+)*)+b");
        String name = "/" + "a".repeat(60);
        // without the budget this takes about 2^60 steps; the test's own limit is the guard
        ApiException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ApiException.class, () -> evil.find(name)));
        assertTrue(e.getMessage().contains("name=((a+)*)+b") && e.getMessage().contains("backtracks too much"), e.getMessage());
    }

    @Test
    void badOrHugePatternsAreRefusedWhenParsed() {
        ApiException syntax = assertThrows(ApiException.class, () -> BoundedRegex.compile("name=(", "("));
        assertTrue(syntax.getMessage().startsWith("invalid filter 'name=(': "), syntax.getMessage());
        String huge = "a".repeat(BoundedRegex.MAX_PATTERN_CHARS + 1);
        ApiException tooLong = assertThrows(ApiException.class, () -> BoundedRegex.compile("name=" + huge, huge));
        assertTrue(tooLong.getMessage().contains("longer than 1024 characters"), tooLong.getMessage());
        assertTrue(tooLong.getMessage().length() < 200, "the pattern is not echoed back whole");
    }
}
