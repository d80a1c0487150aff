package io.orch.agent.pki;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JoinTokenTest {
    private static final String SECRET = "0123456789abcdefghijklmno";
    private static RootCa ca;

    @BeforeAll
    static void ca() {
        ca = RootCa.create("cluster1");
    }

    @Test
    void hasSwarmsShapeAndNamesTheCa() {
        JoinToken token = JoinToken.generate(ca);
        assertTrue(token.value().matches("SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}"), token.value());
        assertEquals(ca.digest(), token.caDigest());
        assertTrue(token.value().startsWith("SWMTKN-1-" + ca.digest() + "-"));
    }

    @Test
    void roundTripsThroughParse() {
        JoinToken token = JoinToken.generate(ca);
        JoinToken parsed = JoinToken.parse(token.value());
        assertEquals(token.value(), parsed.value());
        assertEquals(ca.digest(), parsed.caDigest());
        assertTrue(parsed.secretMatches(token.value()));
        assertTrue(JoinToken.parse("  " + token.value() + "\n").secretMatches(token.value()), "surrounding blanks are ignored");
    }

    @Test
    void eachTokenHasItsOwnSecret() {
        JoinToken a = JoinToken.generate(ca);
        JoinToken b = JoinToken.generate(ca);
        assertEquals(a.caDigest(), b.caDigest());
        assertNotEquals(a.value(), b.value());
        assertFalse(a.secretMatches(b.value()));
        assertFalse(a.secretMatches(""));
        assertFalse(a.secretMatches(null));
    }

    @Test
    void badTokensAreRejectedWithoutQuotingTheSecret() {
        String digest = ca.digest();
        List<String> bad = List.of(
                "SWMTKN-2-" + digest + "-" + SECRET,
                "SWMTKN-1-" + digest + "-" + SECRET.substring(1),
                "SWMTKN-1-" + digest + "-" + SECRET.toUpperCase(),
                "SWMTKN-1-" + digest.substring(2) + "-" + SECRET,
                "SWMTKN-1-" + digest + "-" + SECRET + "-" + SECRET,
                "SWMTKN-1-" + digest + SECRET,
                "",
                "   ");
        for (String token : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JoinToken.parse(token), token);
            assertTrue(e.getMessage().startsWith("invalid join token: "), e.getMessage());
            assertFalse(e.getMessage().toLowerCase().contains(SECRET.substring(0, 10)), e.getMessage());
            assertFalse(e.getMessage().contains(digest), e.getMessage());
        }
        assertEquals("invalid join token: the secret must be 25 characters 0-9a-z",
                assertThrows(IllegalArgumentException.class, () -> JoinToken.parse("SWMTKN-1-" + digest + "-short")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> JoinToken.parse(null));
    }

    @Test
    void toStringHidesTheSecret() {
        JoinToken token = JoinToken.parse("SWMTKN-1-" + ca.digest() + "-" + SECRET);
        assertFalse(token.toString().contains(SECRET));
        assertTrue(token.toString().startsWith("SWMTKN-1-" + ca.digest() + "-"));
    }
}
