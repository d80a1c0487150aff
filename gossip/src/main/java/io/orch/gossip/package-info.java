/**
 * Cluster membership and failure detection for orch: SWIM with the Lifeguard extensions, modelled on
 * hashicorp/memberlist.
 *
 * <p>Public API: {@link io.orch.gossip.Membership} (built with {@link io.orch.gossip.Membership#builder}),
 * {@link io.orch.gossip.Member}, {@link io.orch.gossip.MembershipEvent} and
 * {@link io.orch.gossip.MembershipListener}, {@link io.orch.gossip.GossipConfig} profiles,
 * {@link io.orch.gossip.Keyring} for AES-GCM encryption. Seams: {@link io.orch.gossip.transport.Transport}
 * (Netty UDP/TCP or simulated) and {@link io.orch.gossip.time.Scheduler} (real or virtual time);
 * {@link io.orch.gossip.sim} runs whole clusters in virtual time.
 *
 * <p>How it works, in one paragraph: each member probes one other member per probe interval (a
 * shuffled round robin); a missing ack leads to indirect probes through k helpers and a TCP ping;
 * a member that still does not answer becomes SUSPECT, which is gossiped; it has a suspicion timeout
 * (shrinking with independent confirmations) to refute by raising its incarnation, else it is
 * declared DEAD. All news is piggybacked on probe traffic and on periodic gossip packets, each
 * message a bounded number of times; a periodic TCP push-pull of full state repairs what gossip
 * missed, lets new members join, and reconnects the halves of a healed partition. Each member
 * stretches its own timeouts when it sees signs that it is the slow one (Lifeguard local health).
 */
package io.orch.gossip;
