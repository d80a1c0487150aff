package io.orch.agent.seal;

import io.orch.raft.PayloadSeal;
import io.orch.raft.seal.AesGcmSeal;
import io.orch.raft.seal.SealKey;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The store key encrypted under autolock: the key-encryption key is HMAC-SHA256 of a fixed label
 * keyed with the unlock key (a derivation, so the unlock key's bytes are never an AES key
 * themselves), and the store key is sealed under it with the store's own AES-256-GCM format.
 * A manager's node TLS key is sealed under the same KEK ({@link NodeKeySeal}), so one unlock key
 * opens both and a rotation re-encrypts both.
 */
public final class KeyWrap {
    private static final byte[] LABEL = "orch store key wrap v1".getBytes(StandardCharsets.US_ASCII);
    /** The KEK's id in the wrap's header: fixed, the key file names the store key's own id. */
    private static final int KEK_ID = 0x6b656b31; // "kek1"

    private KeyWrap() {
    }

    /** A key that does not open the wrapped store key. */
    public static final class InvalidUnlockKey extends Exception {
        InvalidUnlockKey() {
            super("invalid key");
        }
    }

    public static byte[] wrap(SealKey storeKey, UnlockKey unlock) {
        byte[] clear = storeKey.bytes();
        try {
            return seal(unlock).seal(clear);
        } finally {
            Arrays.fill(clear, (byte) 0);
        }
    }

    /** @throws InvalidUnlockKey when {@code unlock} is not the key the file was wrapped with */
    public static SealKey unwrap(int storeKeyId, byte[] wrapped, UnlockKey unlock) throws InvalidUnlockKey {
        try {
            return new SealKey(storeKeyId, seal(unlock).unseal(wrapped));
        } catch (PayloadSeal.UnsealException | IllegalArgumentException e) {
            throw new InvalidUnlockKey();
        }
    }

    /** Any secret of this manager's sealed under the unlock key's KEK (a random nonce each time). */
    static byte[] sealUnder(UnlockKey unlock, byte[] clear) {
        return seal(unlock).seal(clear);
    }

    /** @throws InvalidUnlockKey when {@code unlock} is not the key {@code sealed} was sealed under (or it was changed) */
    static byte[] openUnder(UnlockKey unlock, byte[] sealed) throws InvalidUnlockKey {
        try {
            return seal(unlock).unseal(sealed);
        } catch (PayloadSeal.UnsealException | IllegalArgumentException e) {
            throw new InvalidUnlockKey();
        }
    }

    private static AesGcmSeal seal(UnlockKey unlock) {
        byte[] kek = kek(unlock);
        try {
            return new AesGcmSeal(new SealKey(KEK_ID, kek));
        } finally {
            Arrays.fill(kek, (byte) 0);
        }
    }

    private static byte[] kek(UnlockKey unlock) {
        byte[] key = unlock.bytes();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(LABEL);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }
}
