package io.orch.agent.api;

import io.orch.agent.dispatch.DispatcherService;
import io.orch.agent.pki.NodeCertExpiry;
import io.orch.api.proto.CAConfig;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.DispatcherConfig;
import io.orch.api.proto.OrchestrationConfig;
import io.orch.api.proto.RaftConfig;
import io.orch.api.proto.TaskDefaults;
import io.orch.raft.ratis.RaftSettings;

import java.time.Duration;

/**
 * The parts of Docker's swarm spec (Name, Raft, Dispatcher, CAConfig but its NodeCertExpiry,
 * TaskDefaults, and a negative Orchestration.TaskHistoryRetentionLimit) that
 * orch does not let an operator change: each value is what orch's code actually uses, read from the
 * constant that code uses, never a value Docker would have. {@code GET /swarm} shows them, and
 * {@code POST /swarm/update} accepts a spec only if it repeats them, because the docker CLI sends
 * the whole spec back on every {@code docker swarm update}; a different value is refused with the
 * field's name rather than silently dropped. CAConfig.NodeCertExpiry is stored (see
 * {@link NodeCertExpiry}): it must be at least {@link NodeCertExpiry#MINIMUM}. CAConfig.ForceRotate
 * is stored too: a new value starts a root CA rotation (SwarmRoutes). EncryptionConfig (autolock)
 * is stored as asked; the unlock key that goes with it is made by
 * {@link io.orch.agent.seal.AutolockPolicy}.
 */
final class FixedSwarmSettings {
    /**
     * Ratis heartbeats every election-timeout-min / 2 (200 ms) and a follower campaigns after a
     * random 400..800 ms (RaftSettings says why). Counting in ticks of that heartbeat interval, as
     * etcd/swarmkit do, gives HeartbeatTick 1 and ElectionTick 2, whose random range
     * [ElectionTick, 2 * ElectionTick) is exactly [400 ms, 800 ms). (Docker's defaults, 1 and 10,
     * count one-second ticks.)
     */
    static final Duration TICK = RaftSettings.DEFAULT_ELECTION_TIMEOUT_MIN.dividedBy(2);
    static final int HEARTBEAT_TICK = 1;
    static final int ELECTION_TICK = (int) RaftSettings.DEFAULT_ELECTION_TIMEOUT_MIN.dividedBy(TICK);

    static final RaftConfig RAFT = RaftConfig.newBuilder()
            .setSnapshotInterval(RaftSettings.DEFAULT_SNAPSHOT_THRESHOLD)
            // Swarm counts the snapshots kept besides the current one; Ratis counts all files kept
            .setKeepOldSnapshots(RaftSettings.SNAPSHOTS_RETAINED - 1)
            // Ratis purges the log up to each snapshot: a lagging follower is sent the snapshot
            .setLogEntriesForSlowFollowers(0)
            .setElectionTick(ELECTION_TICK)
            .setHeartbeatTick(HEARTBEAT_TICK)
            .build();
    static final TaskDefaults TASK_DEFAULTS = TaskDefaults.getDefaultInstance();
    /** The period every manager's dispatcher really heartbeats its workers with (ManagerNode uses the defaults). */
    static final Duration HEARTBEAT_PERIOD = DispatcherService.Settings.defaults().heartbeatPeriod();
    static final DispatcherConfig DISPATCHER = DispatcherConfig.newBuilder().setHeartbeatPeriod(HEARTBEAT_PERIOD.toNanos()).build();
    /** A cluster has one name, and Docker's is always "default". */
    static final String NAME = "default";

    private FixedSwarmSettings() {}

    /** The spec as orch runs it: the stored spec with the fixed parts and the default certificate expiry filled in. */
    static ClusterSpec shown(ClusterSpec stored) {
        return stored.toBuilder().setName(NAME).setRaft(RAFT).setDispatcher(DISPATCHER)
                .setCaConfig(CAConfig.newBuilder().setNodeCertExpiry(NodeCertExpiry.of(stored).toNanos())
                        .setForceRotate(stored.getCaConfig().getForceRotate()))
                .setTaskDefaults(TASK_DEFAULTS).build();
    }

    /**
     * The spec to store: the fixed parts removed once checked. A zero (or absent) value asks for
     * no change, as Docker's own merge of a swarm spec treats it; anything else must equal what
     * orch uses. CAConfig keeps its NodeCertExpiry (zero: unchanged), checked against the minimum.
     */
    static ClusterSpec checked(ClusterSpec requested) throws ApiException {
        if (!requested.getName().isEmpty() && !requested.getName().equals(NAME)) {
            throw refused("Name", "a swarm's name is always \"" + NAME + "\"; got \"" + requested.getName() + "\"");
        }
        same("Dispatcher.HeartbeatPeriod", requested.getDispatcher().getHeartbeatPeriod(), DISPATCHER.getHeartbeatPeriod(),
                "orch's managers heartbeat their workers every " + HEARTBEAT_PERIOD.toMillis() + " ms ("
                        + DISPATCHER.getHeartbeatPeriod() + " ns)");
        // the orchestrator keeps this many tasks per slot (the live one included), as swarmkit's
        // task reaper; a negative limit (Docker: keep every task) it cannot honour
        OrchestrationConfig orchestration = requested.getOrchestration();
        if (orchestration.hasTaskHistoryRetentionLimit() && orchestration.getTaskHistoryRetentionLimit() < 0) {
            throw refused("Orchestration.TaskHistoryRetentionLimit", "orch does not keep an unlimited task history; "
                    + "give 0 or more, got " + orchestration.getTaskHistoryRetentionLimit());
        }
        RaftConfig raft = requested.getRaft();
        same("Raft.SnapshotInterval", raft.getSnapshotInterval(), RAFT.getSnapshotInterval(),
                "orch snapshots the store every " + RAFT.getSnapshotInterval() + " entries");
        if (raft.hasKeepOldSnapshots() && raft.getKeepOldSnapshots() != RAFT.getKeepOldSnapshots()) {
            throw refused("Raft.KeepOldSnapshots", "orch keeps " + RAFT.getKeepOldSnapshots() + " old snapshot(s)");
        }
        same("Raft.LogEntriesForSlowFollowers", raft.getLogEntriesForSlowFollowers(), RAFT.getLogEntriesForSlowFollowers(),
                "orch sends a lagging follower the snapshot, not old log entries");
        same("Raft.ElectionTick", raft.getElectionTick(), RAFT.getElectionTick(),
                "orch's election timing is fixed (" + RaftSettings.DEFAULT_ELECTION_TIMEOUT_MIN.toMillis() + "-"
                        + RaftSettings.DEFAULT_ELECTION_TIMEOUT_MAX.toMillis() + " ms: ElectionTick " + RAFT.getElectionTick()
                        + " of " + TICK.toMillis() + " ms ticks)");
        same("Raft.HeartbeatTick", raft.getHeartbeatTick(), RAFT.getHeartbeatTick(),
                "orch's election timing is fixed (a heartbeat every " + TICK.toMillis() + " ms: HeartbeatTick "
                        + RAFT.getHeartbeatTick() + ")");
        CAConfig ca = requested.getCaConfig();
        if (ca.getNodeCertExpiry() != 0 && ca.getNodeCertExpiry() < NodeCertExpiry.MINIMUM.toNanos()) {
            throw refused("CAConfig.NodeCertExpiry", "minimum certificate expiry time is " + NodeCertExpiry.MINIMUM.toSeconds()
                    + " s (" + NodeCertExpiry.MINIMUM.toNanos() + " ns); got " + ca.getNodeCertExpiry());
        }
        if (ca.getExternalCasCount() > 0) {
            throw refused("CAConfig.ExternalCAs", "orch signs node certificates with its own root CA only");
        }
        if (!ca.getSigningCaCert().isEmpty() || !ca.getSigningCaKey().isEmpty()) {
            throw refused(!ca.getSigningCaCert().isEmpty() ? "CAConfig.SigningCACert" : "CAConfig.SigningCAKey",
                    "orch rotates to a root CA it generates itself (docker swarm ca --rotate without --ca-cert/--ca-key); "
                            + "a root CA of your own or an external CA is not supported");
        }
        if (!requested.getTaskDefaults().getLogDriver().getName().isEmpty()) {
            throw refused("TaskDefaults.LogDriver.Name", "orch captures task logs itself and has no log drivers");
        }
        if (requested.getTaskDefaults().getLogDriver().getOptionsCount() > 0) {
            throw refused("TaskDefaults.LogDriver.Options", "orch captures task logs itself and has no log drivers");
        }
        return requested.toBuilder().setName(NAME).clearRaft().clearDispatcher()
                .setCaConfig(CAConfig.newBuilder().setNodeCertExpiry(ca.getNodeCertExpiry()).setForceRotate(ca.getForceRotate()))
                .clearTaskDefaults().build();
    }

    private static void same(String field, long asked, long used, String why) throws ApiException {
        if (asked != 0 && asked != used) {
            throw refused(field, why + "; got " + asked);
        }
    }

    private static ApiException refused(String field, String why) {
        return ApiException.badRequest("invalid swarm spec: " + field + ": " + why);
    }
}
