package io.orch.agent.cluster;

import io.orch.gossip.Member;
import io.orch.gossip.MemberState;

/** What this node's gossip believes about another node, with UNKNOWN for a node gossip has never seen (or reaped). */
public enum MemberHealth {
    ALIVE,
    SUSPECT,
    DEAD,
    LEFT,
    /** Left for a planned restart and expected back within its grace (still LEFT in gossip). */
    RESTARTING,
    UNKNOWN;

    static MemberHealth of(Member member) {
        return member.restarting() ? RESTARTING : of(member.state());
    }

    static MemberHealth of(MemberState state) {
        return switch (state) {
            case ALIVE -> ALIVE;
            case SUSPECT -> SUSPECT;
            case DEAD -> DEAD;
            case LEFT -> LEFT;
        };
    }

    /** Gossip has given up on the node: it failed its suspicion (DEAD) or said goodbye (LEFT). */
    public boolean isGone() {
        return this == DEAD || this == LEFT;
    }
}
