package io.orch.raft.ratis;

import org.apache.ratis.protocol.RaftGroupId;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * How one manager runs its replica of the cluster store's Raft group.
 *
 * @param nodeId            this replica's Raft peer id (the orch node id)
 * @param bindAddress       host:port this replica's Raft RPC (Ratis gRPC) listens on; the only port used.
 *                          The host may be a wildcard (0.0.0.0, [::])
 * @param advertiseAddress  host:port the other replicas dial to reach this one (this replica's entry
 *                          in {@code peers}); never a wildcard
 * @param peers             the group's voters, node id to advertise host:port, including this one. Only
 *                          read when the group is created on an empty storage dir; afterwards the
 *                          membership stored in the log wins (change it with {@link RatisProposer#addVoter} /
 *                          {@link RatisProposer#removeVoter}). A replica joining a running group names
 *                          the current voters and itself, and waits as a follower until added
 * @param clusterId         the cluster's id; the Raft group id is derived from it ({@link #groupId()})
 * @param storageDir        where the log, the vote and the snapshots live (one sub-directory per group)
 * @param tls               mutual TLS between replicas; empty for plaintext (tests, a lone manager on loopback)
 * @param snapshotThreshold take a snapshot every this many applied entries, then purge the log up to it
 * @param electionTimeoutMin a follower that heard nothing from a leader for a random time in
 * @param electionTimeoutMax [min, max] starts an election; failover takes about max + one round trip
 * @param firstElectionTimeout how long a replica waits for a leader right after start before it
 *                          campaigns (short, so a lone voter is writable quickly)
 * @param proposeTimeout    a proposal not committed and applied within this fails with
 *                          {@link ProposalFailedException}
 * @param startTimeout      {@link RatisProposer#start} gives up after this
 * @param segmentSizeMax    log segment files roll over at this size; only closed segments are purged
 * @param snapshotOnStop    take a snapshot on a clean close so the next start replays no log
 * @param forceNewCluster   disaster recovery (Swarm's --force-new-cluster): {@link RatisProposer#start}
 *                          turns the group found in the storage dir into a new group of the same id
 *                          whose only voter is this replica, keeping every entry of its log; {@code peers}
 *                          is ignored. The old group directory is kept beside it, renamed
 */
public record RaftSettings(
        String nodeId,
        String bindAddress,
        String advertiseAddress,
        Map<String, String> peers,
        String clusterId,
        Path storageDir,
        Optional<RaftTls> tls,
        long snapshotThreshold,
        Duration electionTimeoutMin,
        Duration electionTimeoutMax,
        Duration firstElectionTimeout,
        Duration proposeTimeout,
        Duration startTimeout,
        long segmentSizeMax,
        boolean snapshotOnStop,
        boolean forceNewCluster) {

    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000;
    /** How many snapshot files (and their .md5) to keep; the older one is a fallback for a human. */
    public static final int SNAPSHOTS_RETAINED = 2;
    /**
     * LAN defaults: the leader sends a heartbeat every min/2 (200 ms); a follower that heard
     * nothing for a random 400..800 ms campaigns. Ratis' follower sleeps one random timeout and
     * then looks whether that long passed since the leader's last message, so a dead leader is
     * noticed 0.4..1.6 s after its last heartbeat (about 0.9 s on average); the pre-vote and the
     * vote then take a round trip and an fsync each, and the new leader commits an entry of its
     * term before it takes writes. Measured with {@code bench/run leader-failover} (median of 5
     * kill -9s of the leader of 3 managers, bench/README.md): 1000..2000 ms cost 3.3 s to a new
     * leader and 4.7 s to the first accepted write; 400..800 ms cost 1.0 s and 1.4 s.
     *
     * <p>Why shorter timeouts no longer depose healthy leaders on a busy 2-core box (200..400 ms
     * once did, with five agents starting at once: JIT threads, fsyncs), each guard in Ratis 3.1:
     * <ul>
     * <li>pre-vote ({@code raft.server.leaderelection.pre-vote}, set explicitly): a follower whose
     *     timer fired asks first whether it could win; a follower that heard from its leader
     *     within the minimum timeout, and the leader itself, say no, so one starved follower
     *     raises no term and deposes nobody;</li>
     * <li>check-quorum (built into Ratis' leader, not a setting): a leader that heard from no
     *     majority for the maximum timeout steps down, so a partitioned leader stops taking
     *     writes; it then waits {@code leaderelection.leader.step-down.wait-time} (10 s) before
     *     it campaigns again;</li>
     * <li>a follower whose own timer thread overslept by more than
     *     {@code raft.server.sleep.deviation.threshold} (300 ms: it was starved of CPU, not
     *     left without a leader) does not campaign on that wake.</li>
     * </ul>
     * Ratis' leader lease ({@code raft.server.read.leader.lease.enabled}) only serves
     * linearizable reads through Ratis, which orch does not use (reads come from the local
     * store), so it is left off. {@code bench/run gossip-soak} counts false elections under CPU
     * hogs (bench/README.md). Worker failures do not wait on this (gossip finds them), only a
     * manager's loss does.
     */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(400);
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(800);
    public static final Duration DEFAULT_FIRST_ELECTION_TIMEOUT = Duration.ofMillis(50);
    /** Long enough to ride out a leader failover (about a second, up to a few with a split vote) several times over. */
    public static final Duration DEFAULT_PROPOSE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** Ratis' default; snapshots (not segment size) bound the log in practice. */
    public static final long DEFAULT_SEGMENT_SIZE_MAX = 32L << 20;

    public RaftSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(storageDir, "storageDir");
        tls = tls == null ? Optional.empty() : tls;
        HostPort.parse(bindAddress);
        HostPort advertised = HostPort.parse(advertiseAddress);
        if (isWildcard(advertised.host())) {
            throw new IllegalArgumentException("advertiseAddress must be an address peers can dial, not a wildcard: "
                    + advertiseAddress);
        }
        peers = Map.copyOf(new TreeMap<>(peers));
        peers.values().forEach(HostPort::parse);
        String listed = peers.get(nodeId);
        if (listed != null && !listed.equals(advertiseAddress)) {
            throw new IllegalArgumentException("peers lists " + nodeId + " at " + listed
                    + " but its advertiseAddress is " + advertiseAddress);
        }
        if (snapshotThreshold < 1) {
            throw new IllegalArgumentException("snapshotThreshold must be >= 1: " + snapshotThreshold);
        }
        if (electionTimeoutMin.compareTo(electionTimeoutMax) >= 0) {
            throw new IllegalArgumentException(
                    "electionTimeoutMin must be < electionTimeoutMax: " + electionTimeoutMin + " " + electionTimeoutMax);
        }
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** A new single-voter group (the first manager of a cluster, and every test); binds where it advertises. */
    public static RaftSettings singleVoter(String nodeId, String address, String clusterId, Path storageDir) {
        return singleVoter(nodeId, address, address, clusterId, storageDir);
    }

    /** A new single-voter group listening on {@code bindAddress}, reached by peers at {@code advertiseAddress}. */
    public static RaftSettings singleVoter(String nodeId, String bindAddress, String advertiseAddress, String clusterId,
            Path storageDir) {
        return new RaftSettings(nodeId, bindAddress, advertiseAddress, Map.of(nodeId, advertiseAddress), clusterId,
                storageDir, Optional.empty(), DEFAULT_SNAPSHOT_THRESHOLD, DEFAULT_ELECTION_TIMEOUT_MIN,
                DEFAULT_ELECTION_TIMEOUT_MAX, DEFAULT_FIRST_ELECTION_TIMEOUT, DEFAULT_PROPOSE_TIMEOUT,
                DEFAULT_START_TIMEOUT, DEFAULT_SEGMENT_SIZE_MAX, true, false);
    }

    /**
     * A replica joining a running group: its peers are the current voters only, not itself, so
     * {@link RatisProposer} starts it in an empty group, which Ratis keeps "initializing": it runs
     * no election timer until the leader's first append after {@link RatisProposer#addVoter} (a replica listed in its own configuration
     * would start as a follower and, 50 ms later, ask the leader for a vote; a leader whose
     * configuration does not hold it yet answers "shut down", and Ratis closes it: the
     * promotion then failed for half a minute on ServerNotReady).
     */
    public static RaftSettings joining(String nodeId, String bindAddress, String advertiseAddress,
            Map<String, String> currentVoters, String clusterId, Path storageDir) {
        Map<String, String> peers = new TreeMap<>(currentVoters);
        peers.remove(nodeId); // a voter list that still names this node (a demoted manager's) must not start it as a follower
        return singleVoter(nodeId, bindAddress, advertiseAddress, clusterId, storageDir).withPeers(peers);
    }

    /** The same group id on every manager of a cluster, and across restarts. */
    public RaftGroupId groupId() {
        return groupIdOf(clusterId);
    }

    public static RaftGroupId groupIdOf(String clusterId) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("orch-raft:" + clusterId).getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether this replica is the group's only voter, so it can elect itself and need wait for no one. */
    public boolean isSoleVoter() {
        return peers.size() == 1 && peers.containsKey(nodeId);
    }

    public RaftSettings withPeers(Map<String, String> newPeers) {
        return new RaftSettings(nodeId, bindAddress, advertiseAddress, newPeers, clusterId, storageDir, tls,
                snapshotThreshold, electionTimeoutMin, electionTimeoutMax, firstElectionTimeout, proposeTimeout,
                startTimeout, segmentSizeMax, snapshotOnStop, forceNewCluster);
    }

    public RaftSettings withTls(RaftTls newTls) {
        return new RaftSettings(nodeId, bindAddress, advertiseAddress, peers, clusterId, storageDir,
                Optional.of(newTls), snapshotThreshold, electionTimeoutMin, electionTimeoutMax, firstElectionTimeout,
                proposeTimeout, startTimeout, segmentSizeMax, snapshotOnStop, forceNewCluster);
    }

    public RaftSettings withSnapshotThreshold(long threshold) {
        return new RaftSettings(nodeId, bindAddress, advertiseAddress, peers, clusterId, storageDir, tls,
                threshold, electionTimeoutMin, electionTimeoutMax, firstElectionTimeout, proposeTimeout,
                startTimeout, segmentSizeMax, snapshotOnStop, forceNewCluster);
    }

    public RaftSettings withSegmentSizeMax(long bytes) {
        return new RaftSettings(nodeId, bindAddress, advertiseAddress, peers, clusterId, storageDir, tls,
                snapshotThreshold, electionTimeoutMin, electionTimeoutMax, firstElectionTimeout, proposeTimeout,
                startTimeout, bytes, snapshotOnStop, forceNewCluster);
    }

    public RaftSettings withSnapshotOnStop(boolean enabled) {
        return new RaftSettings(nodeId, bindAddress, advertiseAddress, peers, clusterId, storageDir, tls,
                snapshotThreshold, electionTimeoutMin, electionTimeoutMax, firstElectionTimeout, proposeTimeout,
                startTimeout, segmentSizeMax, enabled, forceNewCluster);
    }

    public RaftSettings withProposeTimeout(Duration timeout) {
        return new RaftSettings(nodeId, bindAddress, advertiseAddress, peers, clusterId, storageDir, tls,
                snapshotThreshold, electionTimeoutMin, electionTimeoutMax, firstElectionTimeout, timeout,
                startTimeout, segmentSizeMax, snapshotOnStop, forceNewCluster);
    }

    public RaftSettings withElectionTimeouts(Duration min, Duration max) {
        return new RaftSettings(nodeId, bindAddress, advertiseAddress, peers, clusterId, storageDir, tls,
                snapshotThreshold, min, max, firstElectionTimeout, proposeTimeout,
                startTimeout, segmentSizeMax, snapshotOnStop, forceNewCluster);
    }

    public RaftSettings withForceNewCluster(boolean enabled) {
        return new RaftSettings(nodeId, bindAddress, advertiseAddress, peers, clusterId, storageDir, tls,
                snapshotThreshold, electionTimeoutMin, electionTimeoutMax, firstElectionTimeout, proposeTimeout,
                startTimeout, segmentSizeMax, snapshotOnStop, enabled);
    }
}
