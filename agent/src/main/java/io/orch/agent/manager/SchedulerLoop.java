package io.orch.agent.manager;

import io.micrometer.core.instrument.MeterRegistry;
import io.orch.agent.loop.StoreLoop;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.StoreException;
import io.orch.scheduler.Placement;
import io.orch.scheduler.Scheduler;
import io.orch.scheduler.orchestrator.TaskStates;
import io.orch.scheduler.orchestrator.Times;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Assigns nodes to tasks that wait for one, in one store transaction per batch. A task that
 * fits nowhere stays pending with the scheduler's explanation in Status.Err, and is tried again
 * whenever nodes or tasks change.
 */
public final class SchedulerLoop extends StoreLoop {
    private final Scheduler scheduler = new Scheduler();
    private boolean dirty;

    public SchedulerLoop(ClusterStore store, Clock clock, MeterRegistry metrics) {
        super("scheduler", store, clock, metrics);
    }

    @Override
    protected Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.TASK || e.kind() == ObjectKind.NODE;
    }

    @Override
    protected void markAll() {
        dirty = true;
    }

    @Override
    protected void mark(StoreEvent event) {
        dirty = true;
    }

    @Override
    protected Instant reconcile() throws StoreException {
        if (!dirty) {
            return null;
        }
        dirty = false;
        Instant now = clock.instant();
        store.updateAndWait(tx -> {
            var read = tx.read();
            List<Task> pending = new ArrayList<>();
            List<Task> live = new ArrayList<>();
            for (Task t : read.tasks()) {
                if (TaskStates.awaitingPlacement(t)) {
                    pending.add(t);
                } else if (TaskStates.holdsResources(t)) {
                    live.add(t);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            for (Placement p : scheduler.place(pending, read.nodes(), live)) {
                Task t = p.task();
                if (p.placed()) {
                    tx.update(t.toBuilder().setNodeId(p.nodeId()).setStatus(TaskStatus.newBuilder()
                            .setState(TaskState.ASSIGNED).setMessage("scheduler assigned task to node")
                            .setTimestamp(Times.timestamp(now))).build());
                } else if (t.getStatus().getState() != TaskState.PENDING || !t.getStatus().getErr().equals(p.reason())) {
                    tx.update(t.toBuilder().setStatus(TaskStatus.newBuilder()
                            .setState(TaskState.PENDING).setMessage("pending task scheduling").setErr(p.reason())
                            .setTimestamp(Times.timestamp(now))).build());
                }
            }
        });
        return null;
    }
}
