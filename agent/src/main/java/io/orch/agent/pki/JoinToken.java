package io.orch.agent.pki;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A join token in Swarm's form, {@code SWMTKN-1-<CA digest>-<secret>}: 50 base-36 characters of
 * the root CA's SHA-256 (so the joining node can check whom it talks to before sending anything)
 * and 25 base-36 characters of a 128-bit random secret (which decides the role it joins with).
 * The whole token is a secret: {@link #toString()} hides the secret part, and parse errors never
 * quote the input.
 */
public final class JoinToken {
    public static final String PREFIX = "SWMTKN-1-";
    /** ceil(log36(2^128)) */
    public static final int SECRET_LENGTH = 25;
    static final int SECRET_BYTES = 16;

    private final String caDigest;
    private final String secret;

    private JoinToken(String caDigest, String secret) {
        this.caDigest = caDigest;
        this.secret = secret;
    }

    /** A new token for the cluster of {@code ca}, with a fresh random secret. */
    public static JoinToken generate(RootCa ca) {
        return generate(ca.digest());
    }

    /** A new token for the CA whose {@link CaDigest} is {@code caDigest}. */
    public static JoinToken generate(String caDigest) {
        if (caDigest == null || caDigest.length() != CaDigest.LENGTH || !Base36.isBase36(caDigest)) {
            throw new IllegalArgumentException("invalid CA digest: expected " + CaDigest.LENGTH + " base-36 characters");
        }
        byte[] secret = new byte[SECRET_BYTES];
        Keys.RANDOM.nextBytes(secret);
        return new JoinToken(caDigest, Base36.padded(new BigInteger(1, secret), SECRET_LENGTH));
    }

    /**
     * @throws IllegalArgumentException "invalid join token: ..." saying what is wrong, never
     *     quoting the token
     */
    public static JoinToken parse(String token) {
        if (token == null || token.isBlank()) {
            throw invalid("it is empty");
        }
        String t = token.trim();
        if (!t.startsWith(PREFIX)) {
            throw invalid("expected it to start with " + PREFIX);
        }
        String[] parts = t.substring(PREFIX.length()).split("-", -1);
        if (parts.length != 2) {
            throw invalid("expected " + PREFIX + "<CA digest>-<secret>");
        }
        if (parts[0].length() != CaDigest.LENGTH || !Base36.isBase36(parts[0])) {
            throw invalid("the CA digest must be " + CaDigest.LENGTH + " characters 0-9a-z");
        }
        if (parts[1].length() != SECRET_LENGTH || !Base36.isBase36(parts[1])) {
            throw invalid("the secret must be " + SECRET_LENGTH + " characters 0-9a-z");
        }
        return new JoinToken(parts[0], parts[1]);
    }

    private static IllegalArgumentException invalid(String why) {
        return new IllegalArgumentException("invalid join token: " + why);
    }

    public String caDigest() {
        return caDigest;
    }

    /** The token as users pass it to {@code orch join --token}. Secret. */
    public String value() {
        return PREFIX + caDigest + "-" + secret;
    }

    /**
     * Whether this token is {@code expectedToken} (CA digest and secret), compared in constant
     * time so the comparison leaks nothing about how much of a guess was right.
     */
    public boolean secretMatches(String expectedToken) {
        if (expectedToken == null || expectedToken.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(value().getBytes(StandardCharsets.US_ASCII), expectedToken.trim().getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return PREFIX + caDigest + "-" + "*".repeat(SECRET_LENGTH);
    }
}
