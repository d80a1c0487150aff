package io.orch.gossip;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES keys for gossip encryption (16, 24 or 32 bytes: AES-128/192/256 in GCM mode). Packets are
 * encrypted with the primary key and decrypted with whichever installed key works, so a key can be
 * rotated on a live cluster without a restart, the way memberlist's keyring works:
 * {@link #install} the new key on every member, then {@link #use} it everywhere, then
 * {@link #remove} the old one. Thread-safe.
 */
public final class Keyring {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom NONCES = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    });

    // copy-on-write: seal(), open() and size() read it without a lock; install, use and remove hold
    // this, so that finding a key and changing the list are one step (use() adds the key at the
    // front, then removes its old place: a reader in between sees it twice, never not at all)
    private final CopyOnWriteArrayList<SecretKey> keys = new CopyOnWriteArrayList<>();

    private Keyring(byte[] primary) {
        keys.add(toKey(primary));
    }

    /** A keyring whose primary key is {@code primary}, also accepting {@code others} for decryption. */
    public static Keyring of(byte[] primary, byte[]... others) {
        Keyring ring = new Keyring(primary);
        for (byte[] k : others) {
            ring.install(k);
        }
        return ring;
    }

    /** Accepts {@code key} for decryption (no effect if already installed). */
    public synchronized void install(byte[] key) {
        SecretKey k = toKey(key);
        if (indexOf(k) < 0) {
            keys.add(k);
        }
    }

    /** Makes an installed key the primary one (used for encryption from now on). */
    public synchronized void use(byte[] key) {
        SecretKey k = toKey(key);
        int i = indexOf(k);
        if (i < 0) {
            throw new IllegalArgumentException("install the key before using it");
        }
        // added at the front before it leaves its old place: open() iterating meanwhile (no lock)
        // sees the key twice for a moment, never not at all
        keys.add(0, k);
        keys.remove(i + 1);
    }

    /** Stops accepting {@code key}; the primary key cannot be removed. */
    public synchronized void remove(byte[] key) {
        int i = indexOf(toKey(key));
        if (i == 0) {
            throw new IllegalArgumentException("cannot remove the primary key; use another key first");
        }
        if (i > 0) {
            keys.remove(i);
        }
    }

    /** Bytes {@link #seal} adds: the nonce and the authentication tag. */
    public static final int OVERHEAD = NONCE_BYTES + TAG_BITS / 8;

    /** Encrypts and authenticates {@code plaintext} (and {@code aad}) with the primary key: nonce + ciphertext + tag. */
    public byte[] seal(byte[] aad, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        NONCES.nextBytes(nonce);
        try {
            Cipher cipher = CIPHER.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(0), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Decrypts what {@link #seal} produced with any installed key; empty if no key authenticates it. */
    public Optional<byte[]> open(byte[] aad, byte[] sealed, int offset, int length) {
        if (length < OVERHEAD) {
            return Optional.empty();
        }
        GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, sealed, offset, NONCE_BYTES);
        for (SecretKey key : keys) { // primary first: the likeliest to work
            try {
                Cipher cipher = CIPHER.get();
                cipher.init(Cipher.DECRYPT_MODE, key, spec);
                cipher.updateAAD(aad);
                return Optional.of(cipher.doFinal(sealed, offset + NONCE_BYTES, length - NONCE_BYTES));
            } catch (AEADBadTagException wrongKey) {
                // try the next key
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM unavailable", e);
            }
        }
        return Optional.empty();
    }

    public int size() {
        return keys.size();
    }

    private int indexOf(SecretKey k) {
        for (int i = 0; i < keys.size(); i++) {
            if (Arrays.equals(keys.get(i).getEncoded(), k.getEncoded())) {
                return i;
            }
        }
        return -1;
    }

    private static SecretKey toKey(byte[] key) {
        if (key == null || (key.length != 16 && key.length != 24 && key.length != 32)) {
            throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes");
        }
        return new SecretKeySpec(key.clone(), "AES");
    }
}
