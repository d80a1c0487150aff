package io.orch.gossip;

/**
 * Counters of one member, for metrics and the benchmark.
 *
 * @param udpPacketsSent     datagrams sent (probes, acks, indirect probes, gossip)
 * @param tcpRequestsSent    TCP requests made (push-pull, joins, fallback pings)
 * @param gossipMessagesSent piggybacked broadcasts sent
 * @param healthScore        Lifeguard local health score (0 = healthy)
 * @param liveMembers        ALIVE + SUSPECT members known, self included
 * @param queuedBroadcasts   membership broadcasts waiting to be piggybacked
 * @param queuedUserMessages user broadcasts waiting to be piggybacked
 */
public record GossipStats(long udpPacketsSent, long tcpRequestsSent, long gossipMessagesSent, int healthScore,
                          int liveMembers, int queuedBroadcasts, int queuedUserMessages) {
}
