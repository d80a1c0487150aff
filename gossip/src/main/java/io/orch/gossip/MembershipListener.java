package io.orch.gossip;

/**
 * Receives membership changes and user broadcasts. Called on the member's protocol thread, one call
 * at a time and in order: implementations must return quickly and must not block (hand work to
 * another executor), or they delay probes and make the local member look unhealthy to others.
 */
public interface MembershipListener {

    void onEvent(MembershipEvent event);

    /** A user broadcast (see {@link Membership#broadcast(byte[])}) from {@code origin}, delivered once. */
    default void onUserMessage(String origin, byte[] payload) {
    }

    MembershipListener NONE = event -> { };
}
