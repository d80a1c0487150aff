package io.orch.agent.manager;

import io.orch.api.proto.ContainerStatus;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreException;
import io.orch.api.model.TaskStates;
import io.orch.api.model.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Random;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A simulated worker for the manager simulation (the real {@code Worker} and its
 * {@code TaskController} block on the runtime and run on the loop driver's thread, so at this level
 * they are stood in for; their transitions have their own tests): on each tick it takes the tasks the
 * store assigns to its node and moves each one state towards what the manager wants (ACCEPTED,
 * PREPARING, READY, STARTING, RUNNING; only up to READY while the desired state is READY), stops
 * those the manager wants stopped (SHUTDOWN, after a random stop time: the process runs on
 * meanwhile), and reports through the dispatcher's write path
 * (the node owns the task, then {@code updateTaskStatus}, which never moves a task backwards).
 *
 * <p>What "really runs" on the node is kept here ({@link #running()}), apart from the store: it
 * is the ground truth for "never two running tasks in one slot". A crash loses it all (the node's
 * processes die with it); after a restart, tasks the node had taken are reported FAILED.
 */
final class SimWorker {
    private static final List<TaskState> STEPS = List.of(TaskState.ASSIGNED, TaskState.ACCEPTED, TaskState.PREPARING,
            TaskState.READY, TaskState.STARTING, TaskState.RUNNING);

    private final String nodeId;
    private final ClusterStore store;
    /** The tasks running on this node, by id. */
    private final Map<String, Task> running = new LinkedHashMap<>();
    /** Tasks told to stop that are still running: when each one's process exits (a stop takes time). */
    private final Map<String, Instant> stopping = new HashMap<>();
    private final Random random;
    private final Duration maxStop;
    private boolean up = true;

    SimWorker(String nodeId, ClusterStore store, Random random, Duration maxStop) {
        this.nodeId = nodeId;
        this.store = store;
        this.random = random;
        this.maxStop = maxStop;
    }

    String nodeId() {
        return nodeId;
    }

    boolean up() {
        return up;
    }

    Map<String, Task> running() {
        return running;
    }

    void tick(Instant now) throws StoreException {
        if (!up) {
            return;
        }
        Map<String, TaskStatus> reports = new LinkedHashMap<>();
        List<Task> assigned = store.read(r -> r.tasksOfNode(nodeId));
        Set<String> ids = new HashSet<>();
        assigned.forEach(t -> ids.add(t.getId()));
        running.keySet().retainAll(ids); // a task the store no longer has is stopped
        stopping.keySet().retainAll(running.keySet());
        for (Task t : assigned) {
            if (TaskStates.finished(t)) {
                running.remove(t.getId());
                continue;
            }
            if (t.getDesiredState().getNumber() > TaskState.RUNNING.getNumber()) {
                if (running.containsKey(t.getId())) {
                    // the stop signal is sent; the process takes its time to exit
                    Instant exits = stopping.computeIfAbsent(t.getId(),
                            k -> now.plusMillis(random.nextInt((int) maxStop.toMillis() + 1)));
                    if (now.isBefore(exits)) {
                        continue;
                    }
                    running.remove(t.getId());
                    stopping.remove(t.getId());
                }
                reports.put(t.getId(), status(TaskState.SHUTDOWN, "shutdown", now));
                continue;
            }
            TaskState state = t.getStatus().getState();
            int at = STEPS.indexOf(state);
            if (at < 0 || state.getNumber() >= t.getDesiredState().getNumber()) {
                continue; // not ours yet (pending), or already where the manager wants it
            }
            TaskState next = STEPS.get(at + 1);
            if (next == TaskState.RUNNING) {
                running.put(t.getId(), t);
            }
            reports.put(t.getId(), status(next, next.name().toLowerCase(), now));
        }
        report(reports);
    }

    /** The task's process exits with an error (only if it runs here). */
    boolean fail(String taskId, Instant now) throws StoreException {
        if (!up || running.remove(taskId) == null) {
            return false;
        }
        stopping.remove(taskId);
        TaskStatus failed = status(TaskState.FAILED, "started", now).toBuilder().setErr("task: non-zero exit (1)")
                .setContainerStatus(ContainerStatus.newBuilder().setExitCode(1)).build();
        report(Map.of(taskId, failed));
        return true;
    }

    /** A task this node is starting (ACCEPTED to STARTING) fails to start (an image pull, a mount): REJECTED. */
    boolean reject(Instant now) throws StoreException {
        if (!up) {
            return false;
        }
        List<Task> starting = store.read(r -> r.tasksOfNode(nodeId)).stream()
                .filter(t -> t.getDesiredState().getNumber() <= TaskState.RUNNING.getNumber())
                .filter(t -> t.getStatus().getState().getNumber() >= TaskState.ACCEPTED.getNumber()
                        && t.getStatus().getState().getNumber() <= TaskState.STARTING.getNumber())
                .toList();
        if (starting.isEmpty()) {
            return false;
        }
        Task t = starting.get(random.nextInt(starting.size()));
        report(Map.of(t.getId(), status(TaskState.REJECTED, "preparing", now).toBuilder()
                .setErr("No such image: busybox").build()));
        return true;
    }

    /** The node goes away: its processes die, and it reports nothing any more. */
    void crash() {
        up = false;
        running.clear();
        stopping.clear();
    }

    /** The node comes back with nothing running: what it had taken before is lost. */
    void restart(Instant now) throws StoreException {
        up = true;
        Map<String, TaskStatus> reports = new LinkedHashMap<>();
        for (Task t : store.read(r -> r.tasksOfNode(nodeId))) {
            if (!TaskStates.finished(t) && t.getStatus().getState().getNumber() >= TaskState.ACCEPTED.getNumber()) {
                reports.put(t.getId(), status(TaskState.FAILED, "process lost", now).toBuilder()
                        .setErr("the node restarted").build());
            }
        }
        report(reports);
    }

    /** As the dispatcher's session applies a status batch: only for tasks assigned to this node. */
    private void report(Map<String, TaskStatus> statuses) throws StoreException {
        if (statuses.isEmpty()) {
            return;
        }
        Set<String> accepted = new HashSet<>();
        store.read(r -> {
            statuses.keySet().forEach(id -> {
                Optional<Task> t = r.task(id);
                if (t.isPresent() && nodeId.equals(t.get().getNodeId())) {
                    accepted.add(id);
                }
            });
            return null;
        });
        store.updateAndWait(tx -> statuses.forEach((id, s) -> {
            if (accepted.contains(id)) {
                tx.updateTaskStatus(id, s);
            }
        }));
    }

    private static TaskStatus status(TaskState state, String message, Instant now) {
        return TaskStatus.newBuilder().setState(state).setMessage(message).setTimestamp(Times.timestamp(now)).build();
    }
}
