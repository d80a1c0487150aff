package io.orch.raft.ratis;

import io.orch.raft.ApplyResult;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The reply of one applied command, from the leader's state machine to the proposer: 8 bytes of
 * log index, then the error as UTF-8 (empty when applied). Hand-rolled rather than a proto message
 * so the wire format of the reply stays private to this package.
 */
final class ApplyResultCodec {
    private ApplyResultCodec() {
    }

    static Message encode(ApplyResult result) {
        byte[] error = result.error().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES + error.length);
        buffer.putLong(result.index()).put(error).flip();
        return Message.valueOf(ByteString.copyFrom(buffer));
    }

    static ApplyResult decode(Message message) {
        ByteBuffer buffer = message.getContent().asReadOnlyByteBuffer();
        if (buffer.remaining() < Long.BYTES) {
            throw new IllegalArgumentException("reply too short for an apply result: " + buffer.remaining() + " bytes");
        }
        long index = buffer.getLong();
        byte[] error = new byte[buffer.remaining()];
        buffer.get(error);
        return new ApplyResult(index, new String(error, StandardCharsets.UTF_8));
    }
}
