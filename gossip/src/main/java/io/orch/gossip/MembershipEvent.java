package io.orch.gossip;

import java.util.Objects;

/**
 * A change in what the local member believes about another member. Every event carries the full
 * current snapshot, so a consumer can treat any event as an upsert of {@link #member()}.
 */
public record MembershipEvent(Type type, Member member) {

    public enum Type {
        /** The member joined, rejoined after DEAD/LEFT, or refuted a suspicion. */
        ALIVE,
        /** The member failed a probe and is suspected. */
        SUSPECT,
        /** The suspicion timed out. */
        DEAD,
        /** The member left gracefully. */
        LEFT,
        /** An alive member published new metadata (or moved to a new address). */
        UPDATED
    }

    public MembershipEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(member, "member");
    }
}
