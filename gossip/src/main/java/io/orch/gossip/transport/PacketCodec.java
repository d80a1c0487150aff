package io.orch.gossip.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.orch.gossip.Keyring;
import io.orch.gossip.wire.Packet;
import java.util.Optional;

/**
 * Frames one {@link Packet} as bytes: {@code [frame version][flags][payload]}, where the payload is
 * the protobuf encoding, or with a keyring its AES-GCM seal (the two header bytes are authenticated
 * too). With a keyring, plaintext frames are refused, so a member without the key can neither read
 * the cluster's traffic nor inject into it; without one, encrypted frames are refused.
 */
public final class PacketCodec {

    public static final byte FRAME_VERSION = 1;
    static final byte FLAG_PLAIN = 0;
    static final byte FLAG_AES_GCM = 1;
    private static final int HEADER = 2;

    /** Why a frame was refused. */
    public static final class RejectedFrameException extends Exception {
        public RejectedFrameException(String message) {
            super(message);
        }
    }

    private final Keyring keyring;

    public PacketCodec(Keyring keyring) {
        this.keyring = keyring;
    }

    public int overhead() {
        return HEADER + (keyring == null ? 0 : Keyring.OVERHEAD);
    }

    public byte[] encode(Packet packet) {
        byte[] body = packet.toByteArray();
        byte[] header = {FRAME_VERSION, keyring == null ? FLAG_PLAIN : FLAG_AES_GCM};
        byte[] payload = keyring == null ? body : keyring.seal(header, body);
        byte[] frame = new byte[HEADER + payload.length];
        frame[0] = header[0];
        frame[1] = header[1];
        System.arraycopy(payload, 0, frame, HEADER, payload.length);
        return frame;
    }

    public Packet decode(byte[] frame) throws RejectedFrameException {
        if (frame.length < HEADER || frame[0] != FRAME_VERSION) {
            throw new RejectedFrameException("unknown frame version");
        }
        byte[] header = {frame[0], frame[1]};
        byte[] body;
        if (keyring == null) {
            if (frame[1] != FLAG_PLAIN) {
                throw new RejectedFrameException("encrypted frame but no keyring");
            }
            body = java.util.Arrays.copyOfRange(frame, HEADER, frame.length);
        } else {
            if (frame[1] != FLAG_AES_GCM) {
                throw new RejectedFrameException("plaintext frame refused: encryption is on");
            }
            Optional<byte[]> opened = keyring.open(header, frame, HEADER, frame.length - HEADER);
            if (opened.isEmpty()) {
                throw new RejectedFrameException("no installed key decrypts the frame");
            }
            body = opened.get();
        }
        try {
            return Packet.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new RejectedFrameException("malformed packet: " + e.getMessage());
        }
    }
}
