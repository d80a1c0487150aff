package io.orch.raft.seal;

import io.orch.raft.PayloadSeal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AesGcmSealTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CLEAR = "a secret value: hunter2-marker".getBytes(StandardCharsets.UTF_8);

    private final SealKey key = SealKey.generate(RANDOM);
    private final AesGcmSeal seal = new AesGcmSeal(key);

    @Test
    void aSealedPayloadOpensToItsClearBytes() {
        byte[] sealed = seal.seal(CLEAR);
        assertArrayEquals(CLEAR, seal.unseal(sealed));
        assertEquals(CLEAR.length + AesGcmSeal.OVERHEAD_BYTES, sealed.length);
        assertArrayEquals(new byte[0], seal.unseal(seal.seal(new byte[0])), "an empty snapshot seals too");
    }

    @Test
    void theSealedFormHoldsNoClearBytesAndDiffersEachTime() {
        byte[] first = seal.seal(CLEAR);
        byte[] second = seal.seal(CLEAR);
        assertFalse(contains(first, "hunter2".getBytes(StandardCharsets.UTF_8)));
        assertFalse(Arrays.equals(first, second), "a random nonce per message");
        assertTrue(AesGcmSeal.looksSealed(first));
        assertEquals(0, first[0], "no protobuf message begins with byte 0");
    }

    @Test
    void everyChangedByteIsRefused() {
        byte[] sealed = seal.seal(CLEAR);
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            int at = i;
            assertThrows(PayloadSeal.UnsealException.class, () -> seal.unseal(tampered), "byte " + at);
        }
    }

    @Test
    void aTruncatedPayloadIsRefused() {
        byte[] sealed = seal.seal(CLEAR);
        assertThrows(PayloadSeal.UnsealException.class, () -> seal.unseal(Arrays.copyOf(sealed, sealed.length - 1)));
        assertThrows(PayloadSeal.UnsealException.class, () -> seal.unseal(Arrays.copyOf(sealed, 10)));
    }

    @Test
    void anotherKeyCannotOpenItAndSaysWhichKeyItWasSealedUnder() {
        byte[] sealed = seal.seal(CLEAR);
        PayloadSeal.UnsealException e = assertThrows(PayloadSeal.UnsealException.class,
                () -> new AesGcmSeal(SealKey.generate(RANDOM)).unseal(sealed));
        assertTrue(e.getMessage().contains(key.idHex()), e.getMessage());

        byte[] sameIdOtherBytes = new byte[SealKey.KEY_BYTES];
        RANDOM.nextBytes(sameIdOtherBytes);
        assertThrows(PayloadSeal.UnsealException.class,
                () -> new AesGcmSeal(new SealKey(key.id(), sameIdOtherBytes)).unseal(sealed));
    }

    @Test
    void clearBytesAreNotTakenForSealedOnes() {
        PayloadSeal.UnsealException e = assertThrows(PayloadSeal.UnsealException.class, () -> seal.unseal(CLEAR));
        assertTrue(e.getMessage().contains("not sealed"), e.getMessage());
        assertThrows(PayloadSeal.UnsealException.class, () -> seal.unseal(new byte[0]));
    }

    @Test
    void aKeyNeverShowsItsBytes() {
        String shown = key.toString() + seal;
        for (byte[] window : windows(key.bytes())) {
            assertFalse(shown.contains(java.util.HexFormat.of().formatHex(window)));
        }
        assertTrue(shown.contains("redacted"));
        assertThrows(IllegalArgumentException.class, () -> new SealKey(1, new byte[16]));
        assertNotEquals(key, SealKey.generate(RANDOM));
    }

    private static byte[][] windows(byte[] bytes) {
        return new byte[][] {Arrays.copyOf(bytes, 4), Arrays.copyOfRange(bytes, 28, 32)};
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
