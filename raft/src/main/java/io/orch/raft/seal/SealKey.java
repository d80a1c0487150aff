package io.orch.raft.seal;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * An AES-256 data key and the id it is known by in every sealed header (so a key can be replaced
 * later while payloads sealed under the old one are still read). {@link #toString()} never shows
 * the key bytes; {@link #bytes()} hands out a copy.
 */
public final class SealKey {
    public static final int KEY_BYTES = 32;

    private final int id;
    private final byte[] key;

    public SealKey(int id, byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a store key is " + KEY_BYTES + " bytes, not "
                    + (key == null ? "missing" : key.length + " bytes"));
        }
        this.id = id;
        this.key = key.clone();
    }

    /** A new random key with a random id. */
    public static SealKey generate(SecureRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return new SealKey(random.nextInt(), key);
    }

    public int id() {
        return id;
    }

    /** A copy of the key bytes. */
    public byte[] bytes() {
        return key.clone();
    }

    /** The key id as 8 hex digits, for messages ("sealed under key 1a2b3c4d"). */
    public String idHex() {
        return HexFormat.of().toHexDigits(id);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealKey other && other.id == id && java.security.MessageDigest.isEqual(other.key, key);
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return "SealKey[id=" + idHex() + ", key=<redacted>]";
    }
}
