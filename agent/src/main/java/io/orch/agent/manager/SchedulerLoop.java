package io.orch.agent.manager;

import io.orch.raft.store.WriteTx;
import io.orch.agent.loop.StoreLoop;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.Network;
import io.orch.api.proto.Node;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.ReadTx;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.StoreException;
import io.orch.scheduler.ClusterState;
import io.orch.scheduler.Placement;
import io.orch.scheduler.Scheduler;
import io.orch.scheduler.SchedulerOptions;
import io.orch.scheduler.Strategy;
import io.orch.scheduler.network.NetworkAttachments;
import io.orch.scheduler.network.NetworkPlanner;
import io.orch.api.model.TaskStates;
import io.orch.api.model.Times;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * Assigns nodes to tasks that wait for one, all of them in one store transaction per pass. A
 * task that fits nowhere stays pending with the scheduler's explanation in Status.Err, and is
 * tried again as soon as something could make it fit: a node joins, changes (labels,
 * availability, resources) or frees resources, or the cluster's strategy changes.
 *
 * <p>Never overcommits, also across concurrent batches: every pass places the tasks pending in
 * the view it read, from the oldest, and each placement is a version-checked update of its task.
 * Two passes that overlap in time (each reading before the other committed) therefore both try to
 * place the oldest tasks pending in the older view, so the second to commit is rejected as a
 * whole, and is recomputed at once from the state that includes the first.
 *
 * <p>A transaction carries at most about the store's entry budget of task updates ({@link WriteTx#full()}) (Raft
 * requests are limited to a few MiB): a pass plans only the oldest pending tasks that fill one,
 * writes their placements, and runs again at once for the rest. Any subset of a batch's
 * placements is itself safe (it reserves less), and every pass starts from the oldest pending
 * task, so overlapping passes still share the tasks they write first.
 *
 * <p>A task whose spec names overlay networks is placed only once it has its address on each
 * of them ({@link NetworkAttachments#missing}): started earlier it would run unreachable. It
 * stays pending with the allocation's explanation until the orchestrator gives it one.
 */
public final class SchedulerLoop extends StoreLoop {
    /** A rejected batch is recomputed at once this many times before the loop backs off. */
    static final int ATTEMPTS = 5;

    private static final Comparator<Task> OLDEST_FIRST = Comparator
            .comparingLong((Task t) -> t.getCreatedAt().getSeconds()).thenComparingInt(t -> t.getCreatedAt().getNanos())
            .thenComparing(Task::getServiceId).thenComparingLong(Task::getSlot).thenComparing(Task::getId);

    private static final Comparator<Task> PINNED_FIRST = Comparator.comparing((Task t) -> t.getNodeId().isEmpty());
    /** What placing adds to a task (its node ID and the ASSIGNED status), about, for planning a transaction's worth. */
    private static final int PLACED_GROWTH_BYTES = 96;
    /** A store action's framing around its object, about. */
    private static final int ACTION_FRAMING_BYTES = 16;

    private boolean dirty;
    private final IntConsumer placed;

    public SchedulerLoop(ClusterStore store) {
        this(store, n -> { });
    }

    /** @param placed hears how many tasks each committed pass placed (metrics) */
    public SchedulerLoop(ClusterStore store, IntConsumer placed) {
        super("scheduler", store);
        this.placed = placed;
    }

    @Override
    public Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.TASK || e.kind() == ObjectKind.NODE || e.kind() == ObjectKind.CLUSTER;
    }

    @Override
    protected void markAll(Instant now) {
        dirty = true;
    }

    @Override
    protected void mark(StoreEvent event) {
        if (event.kind() != ObjectKind.TASK || mayUnblock((Task) event.before(), (Task) event.after())) {
            dirty = true;
        }
    }

    /**
     * A task change matters to the scheduler when a task now waits for a node, or when a task
     * stopped holding resources (which may let a pending task fit). Status reports of running
     * tasks (most of the traffic) do not wake it.
     */
    static boolean mayUnblock(Task before, Task after) {
        if (after != null && TaskStates.awaitingPlacement(after)) {
            return true;
        }
        boolean held = before != null && TaskStates.holdsResources(before);
        boolean holds = after != null && TaskStates.holdsResources(after);
        return held && !holds;
    }

    @Override
    protected Instant reconcile(Instant now) throws StoreException {
        if (!dirty) {
            return null;
        }
        dirty = false;
        for (int attempt = 1; ; attempt++) {
            try {
                boolean more = placePending(now);
                if (more) {
                    dirty = true;
                    return now; // run again at once for the rest of the batch
                }
                return null;
            } catch (StoreException e) {
                if (e.reason() != StoreException.Reason.CONFLICT || attempt >= ATTEMPTS) {
                    dirty = true;
                    throw e;
                }
                log.debug("placement batch rejected ({}), recomputing", e.getMessage());
            }
        }
    }

    /** One pass; true when placements were left out of the transaction for size (another pass is due). */
    private boolean placePending(Instant now) throws StoreException {
        // Read under the store's read lock, plan outside it: planning a big batch (20,000 tasks
        // on a cold JVM: hundreds of ms) would hold off every Raft apply meanwhile, and with them
        // the orchestrator's next batch and the workers' status reports. Planning on a copy is as
        // safe as planning in the transaction was: the placements are version-checked updates, so
        // a batch whose tasks changed since the read is rejected at apply and recomputed.
        Snapshot snapshot = store.read(Snapshot::of);
        PassWrites writes = plan(snapshot, now);
        if (writes.isEmpty()) {
            return false;
        }
        boolean[] more = {writes.unplanned()};
        int[] placedInPass = {0}; // reset by each attempt of the transaction: only the committed one counts
        store.updateAndWait(tx -> {
            placedInPass[0] = 0;
            writes.statuses().forEach(tx::updateTaskStatus); // small: a status each
            for (Task update : writes.tasks()) {
                if (tx.full()) {
                    more[0] = true; // the rest in the next pass, which starts again from the oldest pending task
                    break;
                }
                tx.update(update);
                if (!update.getNodeId().isEmpty()) {
                    placedInPass[0]++;
                }
            }
        });
        if (placedInPass[0] > 0) {
            placed.accept(placedInPass[0]);
        }
        return more[0];
    }

    /** What a pass reads from the store, copied under the read lock (the objects are immutable). */
    private record Snapshot(List<Task> tasks, List<Node> nodes, List<Service> services,
                            List<Network> networks, Strategy strategy, long version) {
        static Snapshot of(ReadTx read) {
            return new Snapshot(read.tasks(), read.nodes(), read.services(), read.networks(), SchedulerLoop.strategy(read), read.version());
        }
    }

    /**
     * The task updates of one pass, oldest pending task first: placements (ASSIGNED), tasks that
     * stay pending with a new reason, and tasks waiting for a network address that say so.
     */
    private static PassWrites plan(Snapshot snapshot, Instant now) {
        List<Task> all = snapshot.tasks();
        List<Task> pending = new ArrayList<>();
        List<Task> writes = new ArrayList<>();
        Map<String, TaskStatus> statuses = new LinkedHashMap<>();
        Map<String, Network> networks = null;
        for (Task t : all) {
            if (!TaskStates.awaitingPlacement(t)) {
                continue;
            }
            if (t.getSpec().getNetworksCount() > 0) {
                if (networks == null) {
                    networks = new HashMap<>();
                    for (Network n : snapshot.networks()) {
                        networks.put(n.getId(), n);
                    }
                }
                List<Network> missing = NetworkAttachments.missing(t, networks);
                if (!missing.isEmpty()) {
                    // started now it would run without its address on that network; the
                    // orchestrator fills it in (and says why not yet), then it comes back here
                    Task waiting = waitingForAddress(t, missing.get(0), now);
                    if (waiting != null) {
                        writes.add(waiting);
                    }
                    continue;
                }
            }
            pending.add(t);
        }
        if (pending.isEmpty()) {
            return new PassWrites(writes, statuses, false);
        }
        // tasks pinned to a node (global services) first, as the scheduler places them within a
        // batch: they have no alternative; then oldest first. The order also makes the pass
        // deterministic whatever order the store lists tasks in.
        pending.sort(PINNED_FIRST.thenComparing(OLDEST_FIRST));
        ClusterState state = new ClusterState(snapshot.nodes(), snapshot.services());
        for (Task t : all) {
            state.observe(t, now);
        }
        // seeded by the store version: the same store state always gives the same placement
        Scheduler scheduler = new Scheduler(SchedulerOptions.of(snapshot.strategy(), snapshot.version()));
        List<Task> out = new ArrayList<>(writes);
        long bytes = 0;
        for (Task w : writes) {
            bytes += w.getSerializedSize() + ACTION_FRAMING_BYTES;
        }
        // Plans in chunks of the oldest pending tasks, only as many as one transaction carries:
        // a pass that planned all of a 20,000-task batch wrote about half of it (the entry budget)
        // and the next pass planned the other half again. The state carries each chunk's
        // reservations into the next, so the chunks together place as one call would. Tasks that
        // stay pending for the same reason write nothing, so planning goes on past them.
        int from = 0;
        while (from < pending.size() && bytes < WriteTx.ENTRY_BUDGET_BYTES) {
            int to = chunkEnd(pending, from, WriteTx.ENTRY_BUDGET_BYTES - bytes);
            for (Placement p : scheduler.place(pending.subList(from, to), state)) {
                Task update = update(p, now);
                if (update != null && update.getSerializedSize() > WriteTx.OBJECT_MAX_BYTES) {
                    TaskStatus why = tooLarge(p.task(), update.getSerializedSize(), now);
                    if (why != null) {
                        statuses.put(p.task().getId(), why);
                    }
                } else if (update != null) {
                    out.add(update);
                    bytes += update.getSerializedSize() + ACTION_FRAMING_BYTES;
                }
            }
            from = to;
        }
        return new PassWrites(out, statuses, from < pending.size());
    }

    /**
     * The end of the next chunk to plan: the pending tasks from {@code from} whose placed
     * versions would about fill {@code budget} bytes (at least one task).
     */
    private static int chunkEnd(List<Task> pending, int from, long budget) {
        long bytes = 0;
        int to = from;
        while (to < pending.size() && (to == from || bytes < budget)) {
            bytes += pending.get(to).getSerializedSize() + PLACED_GROWTH_BYTES + ACTION_FRAMING_BYTES;
            to++;
        }
        return to;
    }

    /**
     * A pass's writes: task updates (oldest pending task first), and status-only changes;
     * {@code unplanned} when pending tasks were left for the next pass (the writes fill a transaction).
     */
    private record PassWrites(List<Task> tasks, Map<String, TaskStatus> statuses, boolean unplanned) {
        boolean isEmpty() {
            return tasks.isEmpty() && statuses.isEmpty();
        }
    }

    /**
     * A task just under the store's object cap may go over it once placed (its node and status
     * added): written, it would have the store refuse the whole batch, every pass, and so hold up
     * every placement in the cluster. It stays pending, saying why (a status change carries only
     * the status, so it is never too large itself).
     */
    private static TaskStatus tooLarge(Task t, int placedBytes, Instant now) {
        String why = "too large to place: the task would be " + placedBytes + " bytes serialised; one object may be at most "
                + (WriteTx.OBJECT_MAX_BYTES >> 20) + " MiB";
        if (t.getStatus().getErr().equals(why)) {
            return null; // says so already
        }
        return TaskStatus.newBuilder().setState(TaskState.PENDING)
                .setMessage("pending task scheduling").setErr(why).setTimestamp(Times.timestamp(now)).build();
    }

    /** The task as the placement leaves it, or null when nothing changes (still pending for the same reason). */
    private static Task update(Placement p, Instant now) {
        Task t = p.task();
        if (p.placed()) {
            return t.toBuilder().setNodeId(p.nodeId()).setStatus(TaskStatus.newBuilder()
                    .setState(TaskState.ASSIGNED).setMessage("scheduler assigned task to node")
                    .setTimestamp(Times.timestamp(now))).build();
        }
        if (t.getStatus().getState() != TaskState.PENDING || !t.getStatus().getErr().equals(p.reason())) {
            return t.toBuilder().setStatus(TaskStatus.newBuilder()
                    .setState(TaskState.PENDING).setMessage("pending task scheduling").setErr(p.reason())
                    .setTimestamp(Times.timestamp(now))).build();
        }
        return null;
    }

    /** The task pending with the allocation's explanation, or null when it already says so. */
    private static Task waitingForAddress(Task t, Network missing, Instant now) {
        String why = t.getStatus().getErr().startsWith(NetworkPlanner.NO_ADDRESS) ? t.getStatus().getErr()
                : "waiting for an address on network " + missing.getSpec().getName();
        if (t.getStatus().getState() == TaskState.PENDING && t.getStatus().getErr().equals(why)) {
            return null;
        }
        return t.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.PENDING)
                .setMessage("pending task scheduling").setErr(why).setTimestamp(Times.timestamp(now))).build();
    }

    static Strategy strategy(ReadTx read) {
        return read.cluster().map(c -> c.getSpec().getSchedulerStrategy() == ClusterSpec.SchedulerStrategy.BINPACK
                ? Strategy.BINPACK : Strategy.SPREAD).orElse(Strategy.SPREAD);
    }
}
