package io.orch.scheduler.orchestrator;

import io.orch.api.model.TaskStates;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A slot runs one task at a time, also while its tasks are being replaced.
 *
 * <p>A removed task keeps its slot until it has stopped ({@link #anyStillStopping}): a service
 * scaled down and up again gets its slot's new task only then.
 *
 * <p>A stop-first handover survives its new task being replaced. During a stop-first update the
 * slot's new task waits with desired state READY until the old one has stopped
 * ({@link RollingUpdate}). If the orchestrator replaces that waiting task (its node went down,
 * or it failed before starting), the replacement must wait as well: created RUNNING, it would
 * start while the old task is still stopping, two tasks running in one slot (found by the
 * manager simulation). The updater starts it, as it would have started its predecessor, once
 * no other task of the slot holds a live node.
 */
public final class Handover {
    private Handover() {}

    /**
     * Whether a task of {@code slot} may still run: assigned, not finished, on a node that is not
     * down (a down node's tasks are gone as far as the cluster can tell).
     */
    public static boolean anyStillStopping(List<Task> slot, Map<String, Node> nodes) {
        for (Task t : slot) {
            Node n = nodes.get(t.getNodeId());
            if (!TaskStates.finished(t) && TaskStates.atLeast(t.getStatus().getState(), TaskState.ASSIGNED)
                    && n != null && n.getStatus().getState() != NodeStatus.State.DOWN) {
                return true;
            }
        }
        return false;
    }

    /**
     * The plan with every replacement for a waiting task made to wait too (a replicated slot is
     * its number, a global one its node).
     *
     * @param tasks the service's tasks as the plan read them
     */
    public static void keepWaiting(Plan plan, List<Task> tasks) {
        if (plan.create.isEmpty() || plan.update.isEmpty()) {
            return;
        }
        Map<String, Task> before = new HashMap<>();
        tasks.forEach(t -> before.put(t.getId(), t));
        Set<String> waiting = new HashSet<>();
        for (Task u : plan.update) {
            Task was = before.get(u.getId());
            if (was != null && was.getDesiredState() == TaskState.READY
                    && TaskStates.after(u.getDesiredState(), TaskState.RUNNING)) {
                waiting.add(slotOf(u));
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        plan.create.replaceAll(t -> waiting.contains(slotOf(t)) && t.getDesiredState() == TaskState.RUNNING
                ? t.toBuilder().setDesiredState(TaskState.READY).build() : t);
    }

    private static String slotOf(Task t) {
        return t.getSlot() > 0 ? "slot:" + t.getSlot() : "node:" + t.getNodeId();
    }
}
