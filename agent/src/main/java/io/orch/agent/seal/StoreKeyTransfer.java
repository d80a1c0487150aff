package io.orch.agent.seal;

import com.google.protobuf.ByteString;
import io.orch.raft.seal.SealKey;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * The store key as it travels to a new manager in {@code JoinResponse.store_key} (over the join's
 * TLS, only to a node the store makes a manager): the key id (4 bytes, big endian), then the 32 key
 * bytes.
 */
public final class StoreKeyTransfer {
    private static final int BYTES = Integer.BYTES + SealKey.KEY_BYTES;

    private StoreKeyTransfer() {
    }

    public static ByteString encode(SealKey key) {
        byte[] bytes = key.bytes();
        ByteBuffer out = ByteBuffer.allocate(BYTES).putInt(key.id()).put(bytes);
        Arrays.fill(bytes, (byte) 0);
        return ByteString.copyFrom(out.array());
    }

    /** Empty when none was sent (a worker's answer, or a manager that predates sealing). */
    public static Optional<SealKey> decode(ByteString wire) {
        if (wire.isEmpty()) {
            return Optional.empty();
        }
        if (wire.size() != BYTES) {
            throw new IllegalArgumentException("store_key: expected " + BYTES + " bytes, got " + wire.size());
        }
        ByteBuffer in = wire.asReadOnlyByteBuffer();
        int id = in.getInt();
        byte[] key = new byte[SealKey.KEY_BYTES];
        in.get(key);
        return Optional.of(new SealKey(id, key));
    }
}
