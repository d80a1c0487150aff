package io.orch.raft.ratis;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Translates {@link RaftSettings} into Ratis' key/value configuration; everything orch relies on is set explicitly. */
final class RatisProperties {
    private static final long PREALLOCATED_SIZE_MAX = 4L << 20;
    /** Room in a log entry for what Ratis puts around orch's command (client and call ids, term, index). */
    private static final int RATIS_FRAMING_BYTES = 64 << 10;
    /** What orch admits in flight per replica ({@link ProposalAdmission}). */
    static final int PROPOSALS_IN_FLIGHT_MAX = 1_000;
    /** Ratis' own limit, above orch's: its client's send blocks at this limit, and must never. */
    private static final int OUTSTANDING_PROPOSALS_MAX = 2 * PROPOSALS_IN_FLIGHT_MAX;
    /**
     * The largest log entry a replica takes: Ratis' log appender buffer byte limit (4 MiB by
     * default). A leader refuses a larger entry and steps down, which closes the clients' streams
     * before the refusal reaches them: the client retried it on each new leader, stepping each
     * down in turn, until its retries ran out. The same limit bounds one append batch to a
     * follower and the entries read back from a segment. The store's entry cap
     * (WriteTx.ENTRY_MAX_BYTES, 4 MiB) plus 1 MiB, plus room for Ratis' own fields (below), so a
     * transaction the store lets through always fits. No larger: the write buffer follows it.
     */
    static final int LOG_ENTRY_MAX_BYTES = (5 << 20) + RATIS_FRAMING_BYTES;
    /** What {@link RatisProposer} sends at most: a log entry less room for Ratis' own fields around the command. */
    static final int PROPOSAL_MAX_BYTES = LOG_ENTRY_MAX_BYTES - RATIS_FRAMING_BYTES;
    /**
     * Ratis writes each entry whole through this buffer: the largest entry plus its size and
     * checksum (4 bytes each; Ratis checks this when a server starts). It is a direct buffer that
     * every manager holds, zeroed, for its whole life: each MiB here is a MiB of the manager's RSS
     * (bench/README.md, bench/run memory).
     */
    static final int LOG_WRITE_BUFFER_BYTES = LOG_ENTRY_MAX_BYTES + 8;
    /**
     * gRPC's message size limit (Ratis' default, set so nobody lowers it by accident): it carries
     * an append batch (up to {@link #LOG_ENTRY_MAX_BYTES}; Ratis requires 1 MiB more), a client's
     * proposal, and a snapshot chunk (16 MiB by default).
     */
    static final int MESSAGE_MAX_BYTES = 64 << 20;

    private RatisProperties() {
    }

    static RaftProperties from(RaftSettings settings) {
        RaftProperties p = new RaftProperties();
        rpc(p, settings);
        sizes(p);
        durability(p, settings);
        snapshots(p, settings);
        timeouts(p, settings);
        return p;
    }

    /**
     * gRPC rather than Netty RPC: it is Ratis' default and best-tested transport, supports mutual TLS
     * (see {@link RatisTls}) and runs on Ratis' shaded gRPC/Netty, so it does not clash with our
     * Netty 4.2. Server, admin and client services share the one given port (Ratis opens separate
     * admin/client servers only when their ports differ from the server port); data streaming is off.
     * They listen on the bind address; peers learn the advertise address from the group membership.
     */
    private static void rpc(RaftProperties p, RaftSettings settings) {
        HostPort hostPort = HostPort.parse(settings.bindAddress());
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setHost(p, hostPort.host());
        GrpcConfigKeys.Server.setPort(p, hostPort.port());
        GrpcConfigKeys.Admin.setHost(p, hostPort.host());
        GrpcConfigKeys.Admin.setPort(p, hostPort.port());
        GrpcConfigKeys.Client.setHost(p, hostPort.host());
        GrpcConfigKeys.Client.setPort(p, hostPort.port());
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, OUTSTANDING_PROPOSALS_MAX);
    }

    /** The sizes an entry must fit, all above the store's caps with margin (see {@link #LOG_ENTRY_MAX_BYTES}). */
    private static void sizes(RaftProperties p) {
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(LOG_ENTRY_MAX_BYTES));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(LOG_WRITE_BUFFER_BYTES));
        GrpcConfigKeys.setMessageSizeMax(p, SizeInBytes.valueOf(MESSAGE_MAX_BYTES));
    }

    /**
     * An entry counts as flushed (and so can be committed and acknowledged) only after
     * FileChannel.force: unsafe and async flush are both off, as they are by default; set here so
     * nobody turns them on by accident. The commit index is written to the log too (log metadata),
     * so a restarted replica can replay committed entries before any leader exists.
     */
    private static void durability(RaftProperties p, RaftSettings settings) {
        RaftServerConfigKeys.setStorageDir(p, List.of(settings.storageDir().toFile()));
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
        RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, false);
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, true);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(settings.segmentSizeMax()));
        // A torn or unreadable tail (kill -9 or power loss mid-write) would stop the replica for
        // good ("Failed to initRaftLog"). Keep the entries before the first unreadable one and let
        // the leader send the rest, as etcd repairs a torn WAL tail: an entry is acknowledged only
        // after fsync, so a torn one was never counted towards a commit. (Damage in the middle of
        // fsynced data, a failing disk, also loses entries this replica acknowledged; a quorum of
        // others still holds every committed one unless a majority's disks fail together.)
        RaftServerConfigKeys.Log.setCorruptionPolicy(p, RaftServerConfigKeys.Log.CorruptionPolicy.WARN_AND_RETURN);
        RaftServerConfigKeys.Log.setPreallocatedSize(p,
                SizeInBytes.valueOf(Math.min(PREALLOCATED_SIZE_MAX, settings.segmentSizeMax())));
    }

    /**
     * Snapshot every {@code snapshotThreshold} applied entries and purge the log up to the snapshot
     * even if a follower still lags (it then gets the snapshot instead of the log).
     */
    private static void snapshots(RaftProperties p, RaftSettings settings) {
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, settings.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, settings.snapshotOnStop());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, RaftSettings.SNAPSHOTS_RETAINED);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        // Ratis purges only when the snapshot moved on by at least this many entries.
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(settings.snapshotThreshold(), 1024));
    }

    /**
     * Free space below which a replica stops taking writes: two log segments, so the segment being
     * written can roll over and a snapshot (much smaller than a segment) still fits; 1..64 MiB.
     */
    static long storageFreeMin(RaftSettings settings) {
        return Math.max(1L << 20, Math.min(64L << 20, 2 * settings.segmentSizeMax()));
    }

    /**
     * How long a replica may know no leader before writes fail at once with {@link NoQuorumException}:
     * four maximum election timeouts (3.2 s by default), enough for a failover with one split vote.
     * A follower notices a dead leader up to two maximum timeouts after its last message (Ratis'
     * timer sleeps a whole random timeout before it looks, see {@link RaftSettings}), a split vote
     * costs one more, and the vote rounds and the new leader's first commit take the rest: a write
     * sent during an ordinary failover waits for the new leader instead of failing.
     */
    static Duration leaderlessAllowance(RaftSettings settings) {
        return settings.electionTimeoutMax().multipliedBy(4);
    }

    private static void timeouts(RaftProperties p, RaftSettings settings) {
        RaftServerConfigKeys.Notification.setNoLeaderTimeout(p, millis(leaderlessAllowance(settings)));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(settings.electionTimeoutMin()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(settings.electionTimeoutMax()));
        Duration first = settings.firstElectionTimeout();
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, millis(first));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, millis(first.multipliedBy(2)));
        // Ratis' default, set so the short timeouts above never run without it (RaftSettings says why)
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        // One client attempt may not outlive the whole proposal; the client retries within it. An
        // attempt lasts about one election: a request sent to a leader that vanished (cut off, so
        // no NotLeader answer ever comes) is then retried on the others, who know the new leader.
        Duration attempt = min(settings.proposeTimeout(), max(Duration.ofSeconds(3), settings.electionTimeoutMax()));
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(attempt));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static TimeDuration millis(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
