package io.orch.agent.cluster;

import io.orch.api.proto.MemberMeta;

import java.util.Objects;

/**
 * One node as this node's gossip sees it.
 *
 * @param nodeId     the gossip member name, which is the node id
 * @param health     alive, suspect, dead or left
 * @param meta       what the node published (empty MemberMeta if it published nothing readable)
 * @param gossipAddr where its gossip listens, host:port
 */
public record MemberInfo(String nodeId, MemberHealth health, MemberMeta meta, String gossipAddr) {
    public MemberInfo {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(gossipAddr, "gossipAddr");
    }
}
