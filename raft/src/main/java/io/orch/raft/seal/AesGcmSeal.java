package io.orch.raft.seal;

import io.orch.raft.PayloadSeal;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * AES-256-GCM over a store payload, with a random 96-bit nonce per message:
 *
 * <pre>
 *   0x00 'o' 's' 0x01 | key id (4 bytes, big endian) | nonce (12) | ciphertext | tag (16)
 * </pre>
 *
 * The 8 header bytes are authenticated too (GCM associated data), so a changed key id or version
 * fails like a changed ciphertext. The first byte is 0x00 because no protobuf message begins with
 * it (field number 0 does not exist): sealed bytes can never be mistaken for a clear command.
 * Random nonces are safe for far more messages than a store writes under one key (the GCM bound of
 * 2^32 messages per key with random nonces).
 */
public final class AesGcmSeal implements PayloadSeal {
    static final byte[] MAGIC = {0x00, 'o', 's', 0x01};
    static final int HEADER_BYTES = MAGIC.length + Integer.BYTES;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    /** Bytes a sealed payload has on top of its clear form. */
    public static final int OVERHEAD_BYTES = HEADER_BYTES + NONCE_BYTES + TAG_BITS / 8;

    private final SealKey key;
    private final SecretKeySpec aesKey;
    private final SecureRandom random;

    public AesGcmSeal(SealKey key) {
        this(key, new SecureRandom());
    }

    AesGcmSeal(SealKey key, SecureRandom random) {
        this.key = key;
        this.aesKey = new SecretKeySpec(key.bytes(), "AES");
        this.random = random;
    }

    /** Whether {@code stored} begins with this format's header (it may still fail to open). */
    public static boolean looksSealed(byte[] stored) {
        if (stored.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (stored[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public byte[] seal(byte[] clear) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        ByteBuffer out = ByteBuffer.allocate(OVERHEAD_BYTES + clear.length);
        out.put(MAGIC).putInt(key.id()).put(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(out.array(), 0, HEADER_BYTES);
            cipher.doFinal(ByteBuffer.wrap(clear), out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM: " + e.getMessage(), e);
        }
        return out.array();
    }

    @Override
    public byte[] unseal(byte[] stored) {
        if (!looksSealed(stored)) {
            throw new UnsealException("a store payload of " + stored.length + " bytes is not sealed (no seal header)");
        }
        if (stored.length < OVERHEAD_BYTES) {
            throw new UnsealException("a sealed store payload of " + stored.length + " bytes is truncated");
        }
        int keyId = ByteBuffer.wrap(stored, MAGIC.length, Integer.BYTES).getInt();
        if (keyId != key.id()) {
            throw new UnsealException("a store payload is sealed under key " + HexFormat.of().toHexDigits(keyId)
                    + ", but this node holds key " + key.idHex());
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(TAG_BITS, stored, HEADER_BYTES, NONCE_BYTES));
            cipher.updateAAD(stored, 0, HEADER_BYTES);
            int offset = HEADER_BYTES + NONCE_BYTES;
            return cipher.doFinal(stored, offset, stored.length - offset);
        } catch (AEADBadTagException e) {
            throw new UnsealException("a sealed store payload failed its authentication (changed on disk or in transit, "
                    + "or sealed under another key with the same id " + key.idHex() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new UnsealException("a sealed store payload could not be opened: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "AesGcmSeal[key " + key.idHex() + "]";
    }
}
