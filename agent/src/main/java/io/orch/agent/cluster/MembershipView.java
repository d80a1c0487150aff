package io.orch.agent.cluster;

import java.util.Map;

/**
 * The part of {@link NodeMembership} the manager loops read: who is alive now, and a callback
 * when that changes. A seam, so that {@code NodeHealthLoop} is unit-tested with a fake.
 */
public interface MembershipView {

    /** Every node gossip knows (this one included), by node id; DEAD and LEFT ones until gossip reaps them. */
    Map<String, MemberInfo> members();

    /** ALIVE, SUSPECT, DEAD, LEFT, or UNKNOWN when gossip does not know the node. */
    default MemberHealth state(String nodeId) {
        MemberInfo m = members().get(nodeId);
        return m == null ? MemberHealth.UNKNOWN : m.health();
    }

    /**
     * Calls {@code listener} with every change of a member's health or metadata, on a thread of
     * the view's own (never on gossip's protocol thread), one call at a time, in order.
     */
    void addListener(MemberListener listener);
}
