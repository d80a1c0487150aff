package io.orch.agent.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import io.orch.api.proto.MemberMeta;

/**
 * {@link MemberMeta} as gossip metadata bytes. Gossip bounds metadata (512 bytes by default, it
 * must fit in one UDP packet with the rest of an alive message): when the labels make it too
 * big they are dropped, since every other field is what peers need to find and place the node.
 */
final class MemberMetadata {
    private MemberMetadata() {}

    static byte[] encode(MemberMeta meta, int maxBytes) {
        byte[] bytes = meta.toByteArray();
        if (bytes.length <= maxBytes) {
            return bytes;
        }
        byte[] withoutLabels = meta.toBuilder().clearLabels().build().toByteArray();
        if (withoutLabels.length > maxBytes) {
            throw new IllegalArgumentException("member metadata of " + withoutLabels.length
                    + " bytes exceeds the gossip limit of " + maxBytes + " even without labels");
        }
        return withoutLabels;
    }

    /** The published metadata; an empty MemberMeta when there is none or it is not ours (a foreign or older member). */
    static MemberMeta decode(byte[] bytes) {
        if (bytes.length == 0) {
            return MemberMeta.getDefaultInstance();
        }
        try {
            return MemberMeta.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return MemberMeta.getDefaultInstance();
        }
    }
}
