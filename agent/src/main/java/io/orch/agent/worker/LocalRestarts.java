package io.orch.agent.worker;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.scheduler.orchestrator.RestartCounter;
import io.orch.scheduler.orchestrator.RestartDecider;
import io.orch.api.model.Times;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Local reconciliation for a node cut off from every manager: a task that exits while no
 * manager can replace it is restarted in place (same task id) as its restart policy says.
 * The decision is the orchestrator's own ({@link RestartDecider}) over the attempts this node
 * has seen, so condition, delay, back-off and max attempts apply; the task's restart count (from
 * the orchestrator) grows with every restart made here, so max attempts holds across both.
 * Once a manager is reachable again nothing is restarted locally: the reported status goes up
 * and the orchestrator decides.
 */
final class LocalRestarts {
    /** How often to look again while an exit waits for the grace period to end. */
    private static final long GRACE_POLL_MILLIS = 200;
    /**
     * Attempts remembered per task, for the crash-loop back-off (which stops growing after a
     * dozen quick failures); the restart count itself travels on the task ({@link RestartCounter}).
     */
    static final int ATTEMPTS_KEPT = 32;

    // guarded by this: the worker's loop and the tasks' exit callbacks both come here
    private final Map<String, List<Task>> attempts = new HashMap<>();
    private final Map<String, Instant> restartedAt = new HashMap<>();
    private final Map<String, Task> exited = new HashMap<>();
    /** The task as restarted here: its restart count (and times) grown by every local restart. */
    private final Map<String, Task> counted = new HashMap<>();

    record Plan(List<Task> restartNow, Instant wake) {}

    /** A task's process is gone (after a start of its own, not a requested stop). */
    synchronized void exited(Task task, TaskStatus last) {
        TaskState s = last.getState();
        if (s != TaskState.COMPLETE && s != TaskState.FAILED) {
            return; // a requested stop, a rejection: nothing to restart
        }
        if (s == TaskState.COMPLETE && task.hasJobIteration()) {
            return; // a job's task that completed is done, whatever its restart condition
        }
        Instant started = restartedAt.get(task.getId());
        Task count = counted.getOrDefault(task.getId(), task);
        Task attempt = task.toBuilder()
                .setCreatedAt(started != null ? Times.timestamp(started) : task.getCreatedAt())
                .setStatus(last)
                .setRestartCount(count.getRestartCount())
                .clearRestartTimes().addAllRestartTimes(count.getRestartTimesList())
                .build();
        List<Task> seen = attempts.computeIfAbsent(task.getId(), k -> new ArrayList<>());
        seen.add(attempt);
        if (seen.size() > ATTEMPTS_KEPT) {
            seen.remove(0);
        }
        exited.put(task.getId(), attempt);
    }

    /** {@code task} was restarted here at {@code at}: one more restart of its slot. */
    synchronized void restarted(Task task, Instant at) {
        restartedAt.put(task.getId(), at);
        counted.put(task.getId(), RestartCounter.carry(task, counted.getOrDefault(task.getId(), task), at));
    }

    /** Forgets tasks no longer assigned here. */
    synchronized void retain(Set<String> taskIds) {
        attempts.keySet().retainAll(taskIds);
        restartedAt.keySet().retainAll(taskIds);
        exited.keySet().retainAll(taskIds);
        counted.keySet().retainAll(taskIds);
    }

    synchronized boolean waiting(String taskId) {
        return exited.containsKey(taskId);
    }

    /** Which exited tasks to restart now, and when to look again (null: no need). */
    synchronized Plan plan(WorkerView view, Instant now) {
        List<Task> restart = new ArrayList<>();
        Instant wake = null;
        for (Iterator<Map.Entry<String, Task>> it = exited.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Task> e = it.next();
            if (view.connected()) {
                it.remove(); // the status reaches the orchestrator, which replaces the task
                continue;
            }
            if (!view.cutOff()) {
                wake = earliest(wake, now.plusMillis(GRACE_POLL_MILLIS)); // a manager may come back within the grace
                continue;
            }
            Task current = view.task(e.getKey()).orElse(null);
            if (current == null || current.getDesiredState() != TaskState.RUNNING) {
                it.remove();
                continue;
            }
            RestartDecider.Decision d = RestartDecider.decide(current.getSpec().getRestartPolicy(), e.getValue(),
                    attempts.getOrDefault(e.getKey(), List.of()), now);
            if (d instanceof RestartDecider.Now) {
                it.remove();
                restart.add(current);
            } else if (d instanceof RestartDecider.At at) {
                wake = earliest(wake, at.when());
            } else {
                it.remove();
            }
        }
        return new Plan(restart, wake);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
