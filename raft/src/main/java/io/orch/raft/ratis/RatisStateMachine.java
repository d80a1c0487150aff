package io.orch.raft.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
import io.orch.api.proto.StoreCommand;
import io.orch.raft.ApplyResult;
import io.orch.raft.CommandApplier;
import io.orch.raft.PayloadSeal;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Adapts a {@link CommandApplier} to Ratis: committed entries become {@code applier.apply(index,
 * command)}, snapshots are {@code applier.snapshot()} written by {@link SnapshotFiles}, and a
 * loaded or installed snapshot goes to {@code applier.restore}. Ratis calls apply, snapshot and
 * reinitialize on its single state-machine-updater thread, which is what CommandApplier requires.
 *
 * <p>Fail-stop: an applier that throws leaves this replica's state unknown (it may now differ from
 * the others), so no further entry is applied: the exception is reported to {@code onFatal} and
 * rethrown, which makes Ratis stop its updater and close this replica (as swarmkit panics).
 */
final class RatisStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(RatisStateMachine.class);

    private final CommandApplier applier;
    /** Opens each committed entry and seals/opens snapshots (see {@link PayloadSeal}). */
    private final PayloadSeal seal;
    private final RaftPeerId self;
    private final LeadershipNotifier leadership;
    /** The proposer's count, which outlives a replica restarted in-process (see {@link #countLeaderChangesIn}). */
    private volatile java.util.concurrent.atomic.AtomicLong leaderChanges = new java.util.concurrent.atomic.AtomicLong();
    private volatile RaftPeerId lastLeader; // only Ratis' notifying thread writes it
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    /** Signalled after every applied entry and leadership event; {@link #awaitCondition} waits on it. */
    private final Object progress = new Object();
    /** Proposals waiting for this replica to apply their index, lowest first; guarded by itself. */
    private final PriorityQueue<AppliedWaiter> appliedWaiters =
            new PriorityQueue<>(Comparator.comparingLong(AppliedWaiter::index));
    private final Optional<ForceNewCluster.Seed> seed;
    private final Consumer<Throwable> onFatal;
    private final Duration noLeaderNotice;
    /**
     * Set when this state machine takes over an applier that already applied entries (the replica
     * restarted in this process after its storage failed): entries up to here are skipped when
     * Ratis replays its log from the snapshot. Null for a normal start.
     */
    private final TermIndex resumeAt;
    private volatile Consumer<Throwable> onLogFailed = e -> { };
    private volatile BooleanSupplier storageHealthy = () -> true;
    /** System.nanoTime() since when this replica has known no leader, once Ratis told us it is long; else null. */
    private volatile Long leaderlessSinceNanos;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private record AppliedWaiter(long index, CompletableFuture<Void> future) {
    }

    /**
     * @param seed    force-new-cluster only: the state to write as this fresh group's first snapshot
     * @param onFatal told (on the updater thread) when the applier threw and this replica stops
     */
    RatisStateMachine(CommandApplier applier, PayloadSeal seal, RaftPeerId self, LeadershipNotifier leadership,
            Optional<ForceNewCluster.Seed> seed, Consumer<Throwable> onFatal, Duration noLeaderNotice) {
        this(applier, seal, self, leadership, seed, onFatal, noLeaderNotice, null);
    }

    /** @param resumeAt what {@code applier} already applied, when it is not empty (see {@link #resumeAt}) */
    RatisStateMachine(CommandApplier applier, PayloadSeal seal, RaftPeerId self, LeadershipNotifier leadership,
            Optional<ForceNewCluster.Seed> seed, Consumer<Throwable> onFatal, Duration noLeaderNotice, TermIndex resumeAt) {
        this.resumeAt = resumeAt;
        this.applier = applier;
        this.seal = seal;
        this.self = self;
        this.leadership = leadership;
        this.seed = seed;
        this.onFatal = onFatal;
        this.noLeaderNotice = noLeaderNotice;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        SnapshotFiles.deleteUnfinished(storage);
        if (resumeAt != null) {
            setLastAppliedTermIndex(resumeAt); // the applier holds this state already: no snapshot to load
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
            return;
        }
        if (seed.isPresent()) {
            storage.updateLatestSnapshot(SnapshotFiles.write(storage, seed.get().at(), seed.get().snapshot(), seal));
        }
        if (!loadLatestSnapshot() && applier.lastAppliedIndex() > 0) {
            // Replaying the whole log into a non-empty applier would apply commands twice.
            throw new IOException("no snapshot on disk but the applier is not empty (lastAppliedIndex="
                    + applier.lastAppliedIndex() + "); start with an empty applier");
        }
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /**
     * Ratis pauses the state machine before it installs a snapshot sent by the leader (a follower
     * too far behind for the log), then calls {@link #reinitialize}; it checks these states.
     */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            return; // an install that failed (a full disk) left it paused; the leader tries again
        }
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** Ratis closes the state machine last when it closes this replica (also after a fail-stop). */
    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            closed.complete(null);
        }
    }

    /** Completes once Ratis closed this state machine. */
    CompletableFuture<Void> closed() {
        return closed;
    }

    /** Called by Ratis after a leader installed a snapshot on this follower. */
    @Override
    public void reinitialize() throws IOException {
        loadLatestSnapshot();
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
        signal();
    }

    private boolean loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo info = storage.loadLatestSnapshot();
        if (info == null) {
            return false;
        }
        TermIndex at = SnapshotFiles.termIndexOf(info);
        long started = System.nanoTime();
        applier.restore(SnapshotFiles.read(info, seal));
        setLastAppliedTermIndex(at);
        LOG.info("{}: restored snapshot {} in {} ms", self, at, (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    SimpleStateMachineStorage storage() {
        return storage;
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public SingleFileSnapshotInfo getLatestSnapshot() {
        return storage.getLatestSnapshot();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        if (resumeAt != null && index <= applier.lastAppliedIndex()) {
            // replayed from the log after an in-process restart: the applier has it already
            advance(entry);
            return CompletableFuture.completedFuture(ApplyResultCodec.encode(ApplyResult.ok(index)));
        }
        ApplyResult result;
        byte[] clear;
        try {
            clear = seal.unseal(entry.getStateMachineLogEntry().getLogData().toByteArray());
        } catch (PayloadSeal.UnsealException e) {
            // Not deterministic like an unreadable command (every manager holds the same key): this
            // replica's log was changed, or it holds another key. Applying around it would diverge.
            LOG.error("{}: raft entry {} cannot be opened ({}); stopping this replica (fail-stop)", self, index,
                    e.getMessage());
            IllegalStateException stop = new IllegalStateException("raft entry " + index + " cannot be opened: "
                    + e.getMessage(), e);
            onFatal.accept(stop);
            throw stop;
        }
        try {
            StoreCommand command = StoreCommand.parseFrom(clear);
            result = applier.apply(index, command);
        } catch (InvalidProtocolBufferException e) {
            // Deterministic on every replica, so rejecting keeps them identical.
            result = ApplyResult.rejected(index, "unreadable command: " + e.getMessage());
        } catch (RuntimeException e) {
            // An applier bug: this replica's state is now unknown. Applying more would build on it.
            LOG.error("{}: applying entry {} failed; stopping this replica (fail-stop) so it cannot diverge further",
                    self, index, e);
            IllegalStateException stop = new IllegalStateException("applying raft entry " + index + " failed: " + e, e);
            onFatal.accept(stop);
            throw stop;
        }
        advance(entry);
        return CompletableFuture.completedFuture(ApplyResultCodec.encode(result));
    }

    private void advance(LogEntryProto entry) {
        advanceTo(entry.getTerm(), entry.getIndex());
        signal();
    }

    /** Asked before writing a snapshot: a full disk gets no attempt (Ratis would retry after every entry). */
    void snapshotWhen(BooleanSupplier healthy) {
        this.storageHealthy = healthy;
    }

    /** Told (on a Raft log thread) when this replica could not write its log, e.g. the disk is full. */
    void onLogFailed(Consumer<Throwable> listener) {
        this.onLogFailed = listener;
    }

    /**
     * Ratis' log worker stops writing after the first failed write (every later write fails with
     * "Log already failed"), so the replica is useless until it is restarted on its storage.
     */
    @Override
    public void notifyLogFailed(Throwable cause, LogEntryProto failedEntry) {
        LOG.error("{}: writing the raft log failed{}: {}", self,
                failedEntry == null ? "" : " at entry " + failedEntry.getIndex(), cause.toString());
        onLogFailed.accept(cause);
    }

    /**
     * Counts an entry as applied. Never backwards: after an in-process restart Ratis replays the
     * log from the last snapshot, below the index this state machine resumed at.
     */
    private void advanceTo(long term, long index) {
        if (index > appliedIndex()) {
            updateLastAppliedTermIndex(term, index);
        }
        signal();
    }

    /** Configuration and metadata entries: nothing for the applier, but they count as applied. */
    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        advanceTo(term, index);
        signal();
    }

    /**
     * Ratis records the new membership itself (raft-meta.conf) before calling this; counting the
     * entry as applied keeps "applied index" comparable with the commit index.
     */
    @Override
    public void notifyConfigurationChanged(long term, long index, RaftConfigurationProto newConfiguration) {
        advanceTo(term, index);
        signal();
    }

    /**
     * Writes the applier's state as of the last applied entry. Ratis calls this on the updater
     * thread once every applyTransaction before it completed, so state and index agree.
     */
    @Override
    public long takeSnapshot() throws IOException {
        TermIndex at = getLastAppliedTermIndex();
        if (at == null || at.getIndex() <= RaftLog.INVALID_LOG_INDEX) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
        if (latest != null && latest.getIndex() >= at.getIndex()) {
            return latest.getIndex();
        }
        if (!storageHealthy.getAsBoolean()) {
            // Ratis asks again after the next entry; each failed try used to log a stack trace
            // and leave a partial file behind (1,678 a minute on a full disk)
            return latest == null ? RaftLog.INVALID_LOG_INDEX : latest.getIndex();
        }
        long started = System.nanoTime();
        storage.updateLatestSnapshot(SnapshotFiles.write(storage, at, applier.snapshot(), seal));
        LOG.info("{}: wrote snapshot {} in {} ms", self, at, (System.nanoTime() - started) / 1_000_000);
        return at.getIndex();
    }

    /** Leader and every entry of earlier terms applied: the store is current, control loops may run. */
    @Override
    public void notifyLeaderReady() {
        leadership.publish(true);
        signal();
    }

    /**
     * Ratis calls this when a replica that has known no leader for longer than the no-leader
     * timeout (see {@link RatisProperties}) starts another election. Between elections a replica is a
     * follower that knows no leader, whose role info alone cannot tell for how long.
     */
    @Override
    public void notifyExtendedNoLeader(RoleInfoProto roleInfo) {
        if (leaderlessSinceNanos == null) {
            leaderlessSinceNanos = System.nanoTime() - noLeaderNotice.toNanos();
        }
        signal();
    }

    /** How long this replica has known no leader, if that is longer than the no-leader timeout. */
    Optional<Duration> longLeaderless() {
        Long since = leaderlessSinceNanos;
        return since == null ? Optional.empty() : Optional.of(Duration.ofNanos(System.nanoTime() - since));
    }

    /** Counts each leader this replica sees take over into {@code count} (metrics: a new leader, not a repeated notice). */
    void countLeaderChangesIn(java.util.concurrent.atomic.AtomicLong count) {
        this.leaderChanges = count;
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
        if (newLeader != null && !newLeader.equals(lastLeader)) {
            lastLeader = newLeader;
            leaderChanges.incrementAndGet();
        }
        leaderlessSinceNanos = null; // Ratis only reports a leader here, never its loss
        if (!self.equals(newLeader)) {
            leadership.publish(false);
        }
        signal();
    }

    private void signal() {
        synchronized (progress) {
            progress.notifyAll();
        }
        releaseAppliedWaiters();
    }

    /** Completes once this replica applied {@code index} (at once if it already has). */
    CompletableFuture<Void> whenApplied(long index) {
        if (appliedIndex() >= index) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (appliedWaiters) {
            appliedWaiters.add(new AppliedWaiter(index, future));
        }
        releaseAppliedWaiters(); // the entry may have been applied while we queued
        return future;
    }

    private long appliedIndex() {
        TermIndex at = getLastAppliedTermIndex();
        return at == null ? RaftLog.INVALID_LOG_INDEX : at.getIndex();
    }

    private void releaseAppliedWaiters() {
        long applied = appliedIndex();
        while (true) {
            AppliedWaiter next;
            synchronized (appliedWaiters) {
                next = appliedWaiters.peek();
                if (next == null || next.index() > applied) {
                    return;
                }
                appliedWaiters.poll();
            }
            next.future().complete(null);
        }
    }

    /**
     * Waits until {@code condition} holds, re-checking on every applied entry and leadership
     * event, and at least every 20 ms (for Ratis state that changes without telling us).
     */
    boolean awaitCondition(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!condition.getAsBoolean()) {
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMillis <= 0) {
                    return false;
                }
                progress.wait(Math.min(leftMillis, 20));
            }
            return true;
        }
    }
}
