package io.orch.agent.seal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The managers' unlock key under autolock: 32 random bytes, shown as {@code SWMKEY-1-} and their
 * base64 (unpadded, as swarmkit prints it). It lives in the sealed store only; a manager's disk
 * holds its store key encrypted with a key derived from it ({@link KeyWrap}). {@link #toString()}
 * never shows it; {@link #text()} is for the one place that must ({@code GET /swarm/unlockkey}).
 */
public final class UnlockKey {
    static final String PREFIX = "SWMKEY-1-";
    public static final int BYTES = 32;

    private final byte[] bytes;

    private UnlockKey(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    public static UnlockKey generate(SecureRandom random) {
        byte[] b = new byte[BYTES];
        random.nextBytes(b);
        return new UnlockKey(b);
    }

    /** The key as the store holds it (Cluster.manager_unlock_key). */
    public static UnlockKey ofBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("an unlock key is " + BYTES + " bytes, not " + bytes.length);
        }
        return new UnlockKey(bytes);
    }

    /**
     * Reads {@code SWMKEY-1-...} as an operator types it (surrounding blanks ignored).
     *
     * @throws IllegalArgumentException "invalid key", naming what is wrong but never echoing the input
     */
    public static UnlockKey parse(String text) {
        String t = text == null ? "" : text.strip();
        if (!t.startsWith(PREFIX)) {
            throw new IllegalArgumentException("invalid key: an unlock key begins with " + PREFIX);
        }
        byte[] b;
        try {
            b = Base64.getDecoder().decode(t.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid key: not base64 after " + PREFIX);
        }
        if (b.length != BYTES) {
            throw new IllegalArgumentException("invalid key: it holds " + b.length + " bytes, not " + BYTES);
        }
        return new UnlockKey(b);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** {@code SWMKEY-1-<base64>}: only for the operator, once, on request. */
    public String text() {
        return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnlockKey other && MessageDigest.isEqual(other.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return 1;
    }

    @Override
    public String toString() {
        return "UnlockKey[<redacted>]";
    }
}
