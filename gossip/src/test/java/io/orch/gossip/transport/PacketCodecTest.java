package io.orch.gossip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.orch.gossip.Keyring;
import io.orch.gossip.wire.Alive;
import io.orch.gossip.wire.Gossip;
import io.orch.gossip.wire.Packet;
import io.orch.gossip.wire.Ping;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PacketCodecTest {

    private static final byte[] KEY_A = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_B = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    private static final Packet PACKET = Packet.newBuilder().setProtocol(1).setSender("secret-node-name")
            .setPing(Ping.newBuilder().setSeq(42).setTarget("other-node"))
            .addGossip(Gossip.newBuilder().setAlive(Alive.newBuilder().setName("secret-node-name")
                    .setAddress("10.1.2.3:7946").setIncarnation(3).setProtocol(1)))
            .build();

    @Test
    void plaintextRoundTrips() throws Exception {
        PacketCodec codec = new PacketCodec(null);
        assertEquals(PACKET, codec.decode(codec.encode(PACKET)));
    }

    @Test
    void encryptedRoundTripsAndHidesTheContent() throws Exception {
        PacketCodec codec = new PacketCodec(Keyring.of(KEY_A));
        byte[] frame = codec.encode(PACKET);
        assertEquals(PACKET, codec.decode(frame));
        assertFalse(contains(frame, "secret-node-name".getBytes(StandardCharsets.UTF_8)), "names are not readable");
        assertEquals(PacketCodec.FRAME_VERSION, frame[0]);
    }

    @Test
    void theWrongKeyCannotReadAFrame() {
        byte[] frame = new PacketCodec(Keyring.of(KEY_A)).encode(PACKET);
        assertThrows(PacketCodec.RejectedFrameException.class, () -> new PacketCodec(Keyring.of(KEY_B)).decode(frame));
    }

    @Test
    void withEncryptionOnPlaintextIsRefusedAndWithoutItCiphertextIs() {
        byte[] plain = new PacketCodec(null).encode(PACKET);
        byte[] sealed = new PacketCodec(Keyring.of(KEY_A)).encode(PACKET);
        assertThrows(PacketCodec.RejectedFrameException.class, () -> new PacketCodec(Keyring.of(KEY_A)).decode(plain));
        assertThrows(PacketCodec.RejectedFrameException.class, () -> new PacketCodec(null).decode(sealed));
    }

    @Test
    void aTamperedFrameIsRefused() {
        byte[] frame = new PacketCodec(Keyring.of(KEY_A)).encode(PACKET);
        frame[frame.length - 1] ^= 1;
        assertThrows(PacketCodec.RejectedFrameException.class, () -> new PacketCodec(Keyring.of(KEY_A)).decode(frame));
    }

    @Test
    void anUnknownFrameVersionIsRefused() {
        byte[] frame = new PacketCodec(null).encode(PACKET);
        frame[0] = 9;
        assertThrows(PacketCodec.RejectedFrameException.class, () -> new PacketCodec(null).decode(frame));
    }

    @Test
    void duringRotationBothKeysAreAcceptedAndThePrimaryIsUsed() throws Exception {
        Keyring rotating = Keyring.of(KEY_A);
        byte[] oldFrame = new PacketCodec(Keyring.of(KEY_A)).encode(PACKET);
        rotating.install(KEY_B);
        rotating.use(KEY_B);
        PacketCodec codec = new PacketCodec(rotating);
        assertEquals(PACKET, codec.decode(oldFrame), "the old key still decrypts");
        byte[] newFrame = codec.encode(PACKET);
        assertEquals(PACKET, new PacketCodec(Keyring.of(KEY_B)).decode(newFrame), "the new key encrypts");
        rotating.remove(KEY_A);
        assertThrows(PacketCodec.RejectedFrameException.class, () -> codec.decode(oldFrame));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
