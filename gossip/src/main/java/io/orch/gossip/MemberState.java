package io.orch.gossip;

/** What the local member believes about another member. */
public enum MemberState {
    /** Answering probes (or refuted its last suspicion). */
    ALIVE,
    /** Failed a probe; has until its suspicion timeout to refute with a higher incarnation. */
    SUSPECT,
    /** Suspicion timed out. Can come back only with a higher incarnation (a restart or a refute). */
    DEAD,
    /** Announced a graceful leave. */
    LEFT;

    /** Alive or suspect: still counted, probed and gossiped to. */
    public boolean isLive() {
        return this == ALIVE || this == SUSPECT;
    }
}
