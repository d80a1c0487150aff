package io.orch.agent.pki;

import io.orch.api.proto.NodeSpec;

/**
 * A node's role as its certificate states it: the subject's OU, spelled as Swarm spells it, so
 * that a peer's role is read from its certificate, never from what it claims.
 */
public enum NodeRole {
    WORKER("swarm-worker", NodeSpec.Role.WORKER),
    MANAGER("swarm-manager", NodeSpec.Role.MANAGER);

    private final String ou;
    private final NodeSpec.Role proto;

    NodeRole(String ou, NodeSpec.Role proto) {
        this.ou = ou;
        this.proto = proto;
    }

    /** The certificate subject's OU for this role; also a DNS SAN of every certificate of this role. */
    public String ou() {
        return ou;
    }

    public NodeSpec.Role toProto() {
        return proto;
    }

    public static NodeRole fromProto(NodeSpec.Role role) {
        return role == NodeSpec.Role.MANAGER ? MANAGER : WORKER;
    }

    /** @throws IllegalArgumentException if {@code ou} names no role */
    public static NodeRole fromOu(String ou) {
        for (NodeRole r : values()) {
            if (r.ou.equals(ou)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown node role \"" + ou + "\" in certificate: expected swarm-worker or swarm-manager");
    }
}
