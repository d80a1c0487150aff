package io.orch.gossip;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of the SWIM + Lifeguard protocol. Start from a profile ({@link #lan()}, {@link #local()},
 * {@link #wan()}) and adjust with the {@code with...} methods. Every timeout that depends on the
 * cluster size or on local health is derived by a static pure function below, so the numbers can be
 * checked in a table test and reasoned about without running anything.
 *
 * @param probeInterval           time between two probes of the local member (before Lifeguard scaling)
 * @param probeTimeout            how long to wait for a direct ack before asking helpers (before scaling)
 * @param indirectChecks          number of helpers asked to probe indirectly (SWIM's k)
 * @param tcpFallbackPing         also try a TCP ping when UDP failed (catches lossy UDP paths)
 * @param suspicionMult           minimum suspicion timeout, in probe intervals, per log10 of the cluster size
 * @param suspicionMaxTimeoutMult the maximum suspicion timeout as a multiple of the minimum (Lifeguard)
 * @param suspicionConfirmations  independent confirmations that shrink the timeout from max to min
 * @param awarenessMaxMultiplier  Lifeguard local health: probe interval and timeouts are scaled by up to this
 * @param gossipInterval          time between two gossip rounds
 * @param gossipNodes             members sent a gossip packet per round
 * @param retransmitMult          a broadcast is sent retransmitMult * ceil(log10(n+1)) times
 * @param gossipToTheDeadTime     dead members still receive gossip this long (so they learn and refute)
 * @param pushPullInterval        full-state TCP exchange with one random member, scaled up beyond 32 members
 * @param reconnectInterval       push-pull with one random DEAD member, so partitions heal (scaled like push-pull)
 * @param deadReapTime            DEAD/LEFT members are forgotten after this long
 * @param tcpTimeout              connect + request + response deadline for push-pull and joins
 * @param udpPacketBytes          largest UDP datagram we send; piggybacked gossip fills it up to this
 * @param maxMetadataBytes        bound on {@link Membership#updateLocalMetadata(byte[])}
 * @param maxUserMessageBytes     bound on {@link Membership#broadcast(byte[])}
 * @param userQueueLimit          pending user broadcasts kept; the oldest are dropped beyond this
 */
public record GossipConfig(
        Duration probeInterval,
        Duration probeTimeout,
        int indirectChecks,
        boolean tcpFallbackPing,
        int suspicionMult,
        int suspicionMaxTimeoutMult,
        int suspicionConfirmations,
        int awarenessMaxMultiplier,
        Duration gossipInterval,
        int gossipNodes,
        int retransmitMult,
        Duration gossipToTheDeadTime,
        Duration pushPullInterval,
        Duration reconnectInterval,
        Duration deadReapTime,
        Duration tcpTimeout,
        int udpPacketBytes,
        int maxMetadataBytes,
        int maxUserMessageBytes,
        int userQueueLimit) {

    /** Wire protocol versions this build speaks; packets outside the range are dropped. */
    public static final int PROTOCOL_MIN = 1;
    public static final int PROTOCOL_MAX = 1;
    public static final int PROTOCOL_CURRENT = 1;

    /** Probe intervals allowed for a dead member to be probed at least once (see {@link #detectionBound}). */
    static final int FIRST_PROBE_INTERVALS = 10;

    public GossipConfig {
        positive(probeInterval, "probeInterval");
        positive(probeTimeout, "probeTimeout");
        positive(gossipInterval, "gossipInterval");
        positive(pushPullInterval, "pushPullInterval");
        positive(reconnectInterval, "reconnectInterval");
        positive(tcpTimeout, "tcpTimeout");
        Objects.requireNonNull(gossipToTheDeadTime, "gossipToTheDeadTime");
        Objects.requireNonNull(deadReapTime, "deadReapTime");
        if (probeTimeout.compareTo(probeInterval) >= 0) {
            throw new IllegalArgumentException("probeTimeout must be shorter than probeInterval");
        }
        if (indirectChecks < 0 || suspicionMult < 1 || suspicionMaxTimeoutMult < 1 || suspicionConfirmations < 0
                || awarenessMaxMultiplier < 1 || gossipNodes < 1 || retransmitMult < 1) {
            throw new IllegalArgumentException("counts and multipliers must be positive");
        }
        if (udpPacketBytes < 512 || maxMetadataBytes < 0 || maxUserMessageBytes < 0 || userQueueLimit < 1) {
            throw new IllegalArgumentException("sizes out of range");
        }
        if (maxMetadataBytes + 128 > udpPacketBytes || maxUserMessageBytes + 64 > udpPacketBytes) {
            throw new IllegalArgumentException("metadata and user messages must fit in one packet");
        }
    }

    /**
     * The default, for a LAN of up to a few hundred nodes: a killed node is DEAD on every survivor in
     * well under 2 s, and Lifeguard keeps a CPU-starved node from being declared dead by others.
     * Costs about 10 probe packets (ping + ack) per member per second plus gossip.
     */
    public static GossipConfig lan() {
        return new GossipConfig(
                Duration.ofMillis(200), Duration.ofMillis(100), 3, true,
                1, 5, 3, 8,
                Duration.ofMillis(100), 4, 4,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(10),
                Duration.ofSeconds(5), 1400, 512, 512, 1024);
    }

    /** Loopback and small test clusters: small-cluster suspicion, frequent anti-entropy, short reaping. */
    public static GossipConfig local() {
        return new GossipConfig(
                Duration.ofMillis(200), Duration.ofMillis(100), 3, true,
                2, 4, 3, 8,
                Duration.ofMillis(100), 3, 4,
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMinutes(2),
                Duration.ofSeconds(2), 1400, 512, 512, 1024);
    }

    /** Across data centres: long timeouts, slower probing, long-lived dead entries. */
    public static GossipConfig wan() {
        return new GossipConfig(
                Duration.ofSeconds(5), Duration.ofSeconds(3), 3, true,
                6, 6, 4, 8,
                Duration.ofMillis(500), 4, 4,
                Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofHours(1),
                Duration.ofSeconds(30), 1400, 512, 512, 1024);
    }

    public GossipConfig withProbe(Duration interval, Duration timeout) {
        return new GossipConfig(interval, timeout, indirectChecks, tcpFallbackPing, suspicionMult,
                suspicionMaxTimeoutMult, suspicionConfirmations, awarenessMaxMultiplier, gossipInterval, gossipNodes,
                retransmitMult, gossipToTheDeadTime, pushPullInterval, reconnectInterval, deadReapTime, tcpTimeout,
                udpPacketBytes, maxMetadataBytes, maxUserMessageBytes, userQueueLimit);
    }

    public GossipConfig withSuspicion(int mult, int maxTimeoutMult, int confirmations) {
        return new GossipConfig(probeInterval, probeTimeout, indirectChecks, tcpFallbackPing, mult,
                maxTimeoutMult, confirmations, awarenessMaxMultiplier, gossipInterval, gossipNodes,
                retransmitMult, gossipToTheDeadTime, pushPullInterval, reconnectInterval, deadReapTime, tcpTimeout,
                udpPacketBytes, maxMetadataBytes, maxUserMessageBytes, userQueueLimit);
    }

    public GossipConfig withGossip(Duration interval, int nodes) {
        return new GossipConfig(probeInterval, probeTimeout, indirectChecks, tcpFallbackPing, suspicionMult,
                suspicionMaxTimeoutMult, suspicionConfirmations, awarenessMaxMultiplier, interval, nodes,
                retransmitMult, gossipToTheDeadTime, pushPullInterval, reconnectInterval, deadReapTime, tcpTimeout,
                udpPacketBytes, maxMetadataBytes, maxUserMessageBytes, userQueueLimit);
    }

    public GossipConfig withAntiEntropy(Duration pushPull, Duration reconnect, Duration reap) {
        return new GossipConfig(probeInterval, probeTimeout, indirectChecks, tcpFallbackPing, suspicionMult,
                suspicionMaxTimeoutMult, suspicionConfirmations, awarenessMaxMultiplier, gossipInterval, gossipNodes,
                retransmitMult, gossipToTheDeadTime, pushPull, reconnect, reap, tcpTimeout,
                udpPacketBytes, maxMetadataBytes, maxUserMessageBytes, userQueueLimit);
    }

    public GossipConfig withTcpFallbackPing(boolean enabled) {
        return new GossipConfig(probeInterval, probeTimeout, indirectChecks, enabled, suspicionMult,
                suspicionMaxTimeoutMult, suspicionConfirmations, awarenessMaxMultiplier, gossipInterval, gossipNodes,
                retransmitMult, gossipToTheDeadTime, pushPullInterval, reconnectInterval, deadReapTime, tcpTimeout,
                udpPacketBytes, maxMetadataBytes, maxUserMessageBytes, userQueueLimit);
    }

    // ---- derived values: static, pure, table-tested -------------------------------------------

    /** log10 of the cluster size, never below 1, so tiny clusters are not given near-zero timeouts. */
    static double nodeScale(int members) {
        return Math.max(1.0, Math.log10(Math.max(1, members)));
    }

    /** Lifeguard minimum suspicion timeout: {@code mult * max(1, log10 n) * probeInterval}. */
    public static Duration suspicionMinTimeout(int mult, int members, Duration probeInterval) {
        return Duration.ofMillis(Math.round(mult * nodeScale(members) * probeInterval.toMillis()));
    }

    /** The timeout a suspicion starts with, before any confirmation: {@code maxMult * min}. */
    public static Duration suspicionMaxTimeout(int maxMult, Duration min) {
        return min.multipliedBy(maxMult);
    }

    /**
     * Lifeguard dynamic suspicion: with {@code c} of {@code k} independent confirmations the timeout
     * falls logarithmically from {@code max} to {@code min}: {@code max - (max-min) * log(c+1)/log(k+1)}.
     * With {@code k == 0} (too few members to confirm) it is {@code min}.
     */
    public static Duration suspicionTimeout(int confirmations, int k, Duration min, Duration max) {
        if (k <= 0) {
            return min;
        }
        double fraction = Math.log(Math.min(confirmations, k) + 1.0) / Math.log(k + 1.0);
        long ms = Math.round(max.toMillis() - fraction * (max.toMillis() - min.toMillis()));
        return Duration.ofMillis(Math.max(min.toMillis(), ms));
    }

    /** Confirmations to expect: none when the cluster is too small to provide them. */
    public static int expectedConfirmations(int configured, int members) {
        return members - 2 < configured ? 0 : configured;
    }

    /** How many times each broadcast is piggybacked by a member: {@code mult * ceil(log10(n + 1))}. */
    public static int retransmitLimit(int mult, int members) {
        return mult * (int) Math.ceil(Math.log10(Math.max(0, members) + 1.0));
    }

    /**
     * Push-pull (and reconnect) interval grows with the cluster beyond 32 members, so the cluster-wide
     * rate of full-state exchanges stays about flat: {@code interval * (ceil(log2 n - log2 32) + 1)}.
     */
    public static Duration pushPullScale(Duration interval, int members) {
        if (members <= 32) {
            return interval;
        }
        double multiplier = Math.ceil(Math.log(members) / Math.log(2) - Math.log(32) / Math.log(2)) + 1.0;
        return Duration.ofMillis(Math.round(interval.toMillis() * multiplier));
    }

    /** Lifeguard local health: timeouts and the probe interval scale with {@code score + 1}. */
    public static Duration scaleByHealth(Duration base, int healthScore) {
        return base.multipliedBy(healthScore + 1L);
    }

    /**
     * A high-probability bound on kill -> DEAD at every survivor, for a healthy cluster: the dead
     * member is probed within {@value #FIRST_PROBE_INTERVALS} intervals (in each interval some member
     * probes it with probability about 1 - 1/e, so being missed 10 times is about e^-10), the failing
     * probe takes one interval, the
     * suspicion runs at most its maximum, and the DEAD broadcast is spread within one gossip interval
     * per retransmission.
     */
    public static Duration detectionBound(GossipConfig c, int members) {
        Duration min = suspicionMinTimeout(c.suspicionMult(), members, c.probeInterval());
        return c.probeInterval().multipliedBy(FIRST_PROBE_INTERVALS + 1L)
                .plus(suspicionMaxTimeout(c.suspicionMaxTimeoutMult(), min))
                .plus(c.gossipInterval().multipliedBy(retransmitLimit(c.retransmitMult(), members)));
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
