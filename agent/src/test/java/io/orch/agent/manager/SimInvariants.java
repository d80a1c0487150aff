package io.orch.agent.manager;

import io.orch.api.proto.Node;
import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.Task;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.Subscription;
import io.orch.api.model.TaskStates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What must hold after every step of the manager simulation. Each check returns the violations
 * it found (empty: all well), worded so that a failing seed says what went wrong.
 */
final class SimInvariants implements AutoCloseable {
    private final ClusterStore store;
    private final Subscription taskEvents;

    SimInvariants(ClusterStore store) {
        this.store = store;
        this.taskEvents = store.watch(e -> e.kind() == ObjectKind.TASK);
    }

    List<String> check(Collection<SimNode> workers) throws InterruptedException {
        List<String> out = new ArrayList<>();
        statusNeverMovesBackwards(out);
        List<Task> tasks = store.read(r -> {
            noNodeOverItsReservations(r.nodes(), r.tasks(), out);
            noSlotReplacedTwiceForOneSpec(r.tasks(), out);
            return r.tasks();
        });
        neverTwoRunningInOneSlot(workers, tasks, out);
        return out;
    }

    /** Every task update the store applied, whoever wrote it, keeps the status where it was or moves it on. */
    private void statusNeverMovesBackwards(List<String> out) throws InterruptedException {
        for (StoreEvent e : taskEvents.pollAll(Duration.ZERO)) {
            if (e.type() != StoreEvent.Type.UPDATE) {
                continue;
            }
            Task before = (Task) e.before();
            Task after = (Task) e.after();
            if (after.getStatus().getStateValue() < before.getStatus().getStateValue()) {
                out.add("task " + name(after) + " moved back from " + before.getStatus().getState() + " to "
                        + after.getStatus().getState() + " at store version " + e.version());
            }
        }
    }

    /** The scheduler's own accounting: a task holds its reservations from ASSIGNED until it finished. */
    private static void noNodeOverItsReservations(List<Node> nodes, List<Task> tasks, List<String> out) {
        Map<String, long[]> used = new HashMap<>();
        for (Task t : tasks) {
            if (TaskStates.holdsResources(t)) {
                ResourceSet r = t.getSpec().getResources().getReservations();
                long[] u = used.computeIfAbsent(t.getNodeId(), k -> new long[2]);
                u[0] += r.getNanoCpus();
                u[1] += r.getMemoryBytes();
            }
        }
        for (Node n : nodes) {
            long[] u = used.getOrDefault(n.getId(), new long[2]);
            var has = n.getDescription().getResources();
            if (u[0] > has.getNanoCpus() || u[1] > has.getMemoryBytes()) {
                out.add("node " + n.getId() + " over its resources: " + u[0] + " nano-CPUs of " + has.getNanoCpus()
                        + ", " + u[1] + " bytes of " + has.getMemoryBytes());
            }
        }
    }

    /**
     * A rollout replaces a slot's task once: a slot never has two tasks of one spec version that
     * are both wanted and not finished (a second would mean the slot was touched again, by the
     * updater or by the orchestrator filling it twice).
     */
    private static void noSlotReplacedTwiceForOneSpec(List<Task> tasks, List<String> out) {
        Map<String, Task> live = new HashMap<>();
        for (Task t : tasks) {
            if (!TaskStates.live(t) || TaskStates.finished(t)) {
                continue;
            }
            Task other = live.put(slot(t) + "/v" + t.getSpecVersion(), t);
            if (other != null) {
                out.add("slot " + slot(t) + " has two live tasks of spec version "
                        + t.getSpecVersion() + ": " + describe(other) + " and " + describe(t));
            }
        }
    }

    /** What really runs (the workers' ground truth, not the store): one task per slot at most. */
    private static void neverTwoRunningInOneSlot(Collection<SimNode> workers, List<Task> tasks, List<String> out) {
        Map<String, List<String>> bySlot = new HashMap<>();
        for (SimNode w : workers) {
            if (!w.up()) {
                continue;
            }
            for (Task t : w.running().values()) {
                bySlot.computeIfAbsent(slot(t), k -> new ArrayList<>())
                        .add(t.getId() + "@" + w.nodeId());
            }
        }
        bySlot.forEach((slot, running) -> {
            if (running.size() > 1) {
                List<String> history = tasks.stream().filter(t -> slot.equals(slot(t)))
                        .map(SimInvariants::describe).toList();
                out.add("slot " + slot + " runs " + running.size() + " tasks: " + running + "; the store has " + history);
            }
        });
    }

    /** A replicated task's slot is its number; a global task's is its node. */
    static String slot(Task t) {
        return t.getServiceId() + "/" + (t.getSlot() > 0 ? Long.toString(t.getSlot()) : t.getNodeId());
    }

    static String describe(Task t) {
        return name(t) + "[" + t.getId() + " " + t.getStatus().getState() + " desired " + t.getDesiredState()
                + (t.getNodeId().isEmpty() ? "" : " on " + t.getNodeId()) + "]";
    }

    private static String name(Task t) {
        return t.getServiceId() + "." + (t.getSlot() > 0 ? Long.toString(t.getSlot()) : t.getNodeId());
    }

    @Override
    public void close() {
        taskEvents.close();
    }
}
