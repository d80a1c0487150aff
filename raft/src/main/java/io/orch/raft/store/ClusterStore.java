package io.orch.raft.store;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.orch.api.proto.StoreAction;
import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.StoreSnapshot;
import io.orch.api.proto.Task;
import io.orch.raft.ApplyResult;
import io.orch.raft.CommandApplier;
import io.orch.raft.Proposer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * The cluster store: indexed in-memory tables, changed only by transactions that go through the
 * {@link Proposer} (Raft) and are applied here in log order on every replica. Readers get a
 * consistent view under a read lock; watchers get every applied change as {@link StoreEvent}s.
 */
public final class ClusterStore implements CommandApplier {
    /** How long a write may wait for commit before the caller is told the store is unavailable. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final StoreState state = new StoreState();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final Proposer proposer;
    private final Clock clock;
    private volatile LongConsumer commitLatencyNanos = n -> { };
    private final AppliedIndexWaiters appliedWaiters = new AppliedIndexWaiters();
    private final ReplicaCatchUp catchUp = new ReplicaCatchUp();

    public ClusterStore(Proposer proposer, Clock clock) {
        this.proposer = proposer;
        this.clock = clock;
    }

    /** Starts replication: the store is then up to date with what the log had on disk. */
    public void start() throws java.io.IOException {
        proposer.start(this);
        catchUp.startInBackground(proposer, clock, appliedWaiters::await);
    }

    /**
     * Completes once this replica has applied everything its group had committed when it started
     * (see {@link ReplicaCatchUp}); until then, a missing object may only be one not applied yet.
     */
    public CompletableFuture<Long> caughtUp() {
        return catchUp.future().copy();
    }

    /** Whether {@link #caughtUp()} has completed. */
    public boolean isCaughtUp() {
        return catchUp.future().isDone();
    }

    public Proposer proposer() {
        return proposer;
    }

    /** Receives propose-to-applied latency of every write, for metrics. */
    public void onCommitLatency(LongConsumer consumer) {
        this.commitLatencyNanos = consumer;
    }

    // ------------------------------------------------------------------ reading

    public <T> T read(Function<ReadTx, T> reader) {
        lock.readLock().lock();
        try {
            return reader.apply(state);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Subscribes to changes matching {@code filter} (may be null for all). */
    public Subscription watch(Predicate<StoreEvent> filter) {
        Subscription[] holder = new Subscription[1];
        Subscription s = new Subscription(filter == null ? e -> true : filter, () -> subscriptions.remove(holder[0]));
        holder[0] = s;
        subscriptions.add(s);
        return s;
    }

    /**
     * Reads a view and subscribes atomically: the subscription gets exactly the changes applied
     * after the view was taken, none missed and none twice.
     */
    public <T> ViewAndWatch<T> viewAndWatch(Function<ReadTx, T> reader, Predicate<StoreEvent> filter) {
        lock.readLock().lock();
        try {
            return new ViewAndWatch<>(reader.apply(state), watch(filter));
        } finally {
            lock.readLock().unlock();
        }
    }

    public record ViewAndWatch<T>(T view, Subscription subscription) {}

    // ------------------------------------------------------------------ writing

    /** A transaction body: reads through {@code tx.read()} and records changes on {@code tx}. */
    @FunctionalInterface
    public interface TxBody {
        void run(WriteTx tx) throws StoreException;
    }

    /**
     * Runs {@code body} against the current state and proposes its changes. Completes with the
     * apply result (which may be a rejection, e.g. a version conflict); an empty transaction
     * completes at once with the current version; one over the store's size caps fails at once
     * with a {@link TooLargeException}, nothing proposed.
     */
    public CompletableFuture<ApplyResult> update(TxBody body) {
        StoreCommand command;
        lock.readLock().lock();
        try {
            WriteTx tx = new WriteTx(state);
            body.run(tx);
            command = tx.build(clock.millis()); // refuses, before anything is proposed, what is over the caps
            if (command.getActionsCount() == 0) {
                return CompletableFuture.completedFuture(ApplyResult.ok(state.version()));
            }
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.readLock().unlock();
        }
        long start = System.nanoTime();
        return proposer.propose(command).whenComplete((r, e) -> {
            if (e == null) {
                commitLatencyNanos.accept(System.nanoTime() - start);
            }
        });
    }

    /** {@link #update} that waits, and turns rejections and failures into a {@link StoreException}. */
    public long updateAndWait(TxBody body) throws StoreException {
        return updateAndWait(body, DEFAULT_WRITE_TIMEOUT);
    }

    public long updateAndWait(TxBody body, Duration timeout) throws StoreException {
        ApplyResult result;
        try {
            result = update(body).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "interrupted while writing to the cluster store", e);
        } catch (TimeoutException e) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE,
                    "the cluster store did not commit the change within " + timeout.toSeconds() + "s (no quorum?)", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw se;
            }
            throw new StoreException(StoreException.Reason.UNAVAILABLE,
                    "the cluster store is unavailable: " + e.getCause().getMessage(), e.getCause());
        }
        if (!result.ok()) {
            throw Rejections.toException(result.error());
        }
        return result.index();
    }

    // ------------------------------------------------------------------ applying (consensus thread)

    @Override
    public ApplyResult apply(long index, StoreCommand command) {
        List<StoreEvent> events = new ArrayList<>(command.getActionsCount());
        lock.writeLock().lock();
        try {
            String rejection = Rejections.check(state, command);
            if (rejection != null) {
                state.setVersion(index);
                return ApplyResult.rejected(index, rejection);
            }
            Timestamp now = Timestamp.newBuilder()
                    .setSeconds(Math.floorDiv(command.getProposedAtMillis(), 1000))
                    .setNanos((int) Math.floorMod(command.getProposedAtMillis(), 1000) * 1_000_000)
                    .build();
            for (StoreAction action : command.getActionsList()) {
                StoreEvent event = applyAction(action, index, now);
                if (event != null) {
                    events.add(event);
                }
            }
            state.setVersion(index);
            for (Subscription s : subscriptions) {
                for (StoreEvent e : events) {
                    s.offer(e);
                }
            }
            return ApplyResult.ok(index);
        } finally {
            lock.writeLock().unlock();
            appliedWaiters.applied(index);
        }
    }

    private StoreEvent applyAction(StoreAction action, long index, Timestamp now) {
        ObjectKind kind = ObjectKind.of(action.getObject());
        Message incoming = ObjectKind.unwrap(action.getObject());
        String id = ObjectKind.id(incoming);
        Message current = state.get(kind, id);
        switch (action.getKind()) {
            case CREATE: {
                Message created = ObjectKind.stamp(incoming, index, now, true);
                state.put(kind, created);
                return new StoreEvent(StoreEvent.Type.CREATE, kind, null, created, index);
            }
            case UPDATE: {
                Message updated = ObjectKind.stamp(incoming, index, now, false);
                updated = keepCreatedAt(updated, current);
                state.put(kind, updated);
                return new StoreEvent(StoreEvent.Type.UPDATE, kind, current, updated, index);
            }
            case DELETE: {
                if (current == null) {
                    return null;
                }
                state.remove(kind, id);
                return new StoreEvent(StoreEvent.Type.DELETE, kind, current, null, index);
            }
            case TASK_STATUS: {
                Task task = (Task) current;
                Task report = (Task) incoming;
                if (task == null || report.getStatus().getStateValue() < task.getStatus().getStateValue()) {
                    return null; // the task is gone, or the report is stale: never move backwards
                }
                Task updated = ObjectKind.stamp(task.toBuilder().setStatus(report.getStatus()).build(), index, now, false);
                state.put(kind, updated);
                return new StoreEvent(StoreEvent.Type.UPDATE, kind, task, updated, index);
            }
            default:
                throw new IllegalStateException("unknown action " + action.getKind());
        }
    }

    private static Message keepCreatedAt(Message updated, Message current) {
        if (current == null) {
            return updated;
        }
        var createdAt = current.getDescriptorForType().findFieldByNumber(3);
        return updated.toBuilder().setField(createdAt, current.getField(createdAt)).build();
    }

    @Override
    public StoreSnapshot snapshot() {
        lock.readLock().lock();
        try {
            return state.snapshot();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void restore(StoreSnapshot snapshot) {
        lock.writeLock().lock();
        try {
            state.restore(snapshot);
        } finally {
            lock.writeLock().unlock();
        }
        appliedWaiters.applied(lastAppliedIndex());
    }

    @Override
    public long lastAppliedIndex() {
        lock.readLock().lock();
        try {
            return state.version();
        } finally {
            lock.readLock().unlock();
        }
    }
}
