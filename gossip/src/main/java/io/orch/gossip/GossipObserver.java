package io.orch.gossip;

/**
 * Hears what the failure detector does, for metrics: each probe's outcome and round-trip time,
 * each suspicion this member starts and each death it declares or learns. Called on the member's
 * protocol thread: implementations must only count (no I/O, no locks held long), or they delay
 * probes. gossip/ itself knows no metrics library; the agent binds this to its registry.
 */
public interface GossipObserver {
    /** How a probe ended: acked within the probe timeout, acked later (second ping, helper or TCP), or not at all. */
    enum ProbeResult {
        DIRECT, INDIRECT, FAILED
    }

    /** @param rttMillis from the first ping to the ack; -1 for a failed probe */
    default void probed(ProbeResult result, long rttMillis) {
    }

    /** A member this one knew alive is now suspect (from its own probe or another's gossip). */
    default void suspected() {
    }

    /** A member this one knew alive or suspect is now dead (not one that left gracefully). */
    default void died() {
    }

    GossipObserver NONE = new GossipObserver() { };
}
