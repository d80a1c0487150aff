package io.orch.scheduler.orchestrator;

import io.orch.api.model.TaskStates;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.scheduler.NodeInfo;
import io.orch.scheduler.filter.ConstraintFilter;
import io.orch.scheduler.filter.ReadyFilter;
import io.orch.scheduler.filter.RuntimeFilter;

import java.util.List;
import java.util.Map;

/**
 * The replicated and global orchestrators' pure planning: given one service, its tasks and the
 * nodes, what to create, stop, remove and delete. A slot (replicated: 1..N; global: one per
 * node) has at most one live task; older tasks of the slot are its history.
 *
 * <ul>
 * <li>missing slots get a new task; slots beyond the replica count are removed;</li>
 * <li>a live task that finished is restarted per restart policy (now, later, or never); except a
 *     task of a rollout whose failure action is due ({@link RollingUpdate#failureActionDue}):
 *     the updater pauses or rolls back first;</li>
 * <li>a live task on a node that is down, gone or drained is replaced at once (shut down, and a
 *     new task scheduled elsewhere);</li>
 * <li>a paused node keeps its tasks but gets no new ones; a global service leaves drained nodes;</li>
 * <li>history beyond {@code historyLimit} per slot is deleted.</li>
 * </ul>
 * Replacing tasks of an older spec is not done here but by the rolling update
 * ({@link RollingUpdate}), which may briefly keep two live tasks in a slot (start-first): the
 * newest live task is the slot's current one, an older live task is left to the update.
 */
public final class ServicePlanner {
    private static final ReadyFilter READY = new ReadyFilter();
    private static final RuntimeFilter RUNTIME = new RuntimeFilter();
    private static final ConstraintFilter CONSTRAINTS = new ConstraintFilter();

    private ServicePlanner() {}

    public static Plan plan(Service service, List<Task> tasks, Map<String, Node> nodes, TaskFactory factory, int historyLimit) {
        return plan(service, tasks, nodes, factory, historyLimit, FreshTasks.unbounded());
    }

    /** As above, making tasks for empty slots only while {@code fresh} allows. */
    public static Plan plan(Service service, List<Task> tasks, Map<String, Node> nodes, TaskFactory factory, int historyLimit,
                            FreshTasks fresh) {
        boolean global = service.getSpec().getMode().hasGlobal();
        Map<String, List<Task>> slots = Slots.of(service, tasks);
        Plan plan = new Plan();
        // the rollout is about to pause or roll back: its failed tasks are left to the updater
        boolean updaterTakesOver = RollingUpdate.failureActionDue(service, tasks);
        for (var entry : slots.entrySet()) {
            List<Task> history = entry.getValue();
            boolean wanted = global ? keepsGlobalTask(service, nodes.get(entry.getKey()))
                    : Long.parseLong(entry.getKey()) <= replicas(service);
            if (!wanted) {
                removeSlot(history, plan);
                continue;
            }
            Task live = history.stream().filter(TaskStates::live).reduce((a, b) -> b).orElse(null);
            if (live == null) {
                Task newest = history.get(history.size() - 1);
                // a removed task still stopping keeps its slot until it has stopped (a scale down and
                // up again must not run two tasks in one slot); its status report wakes the loop
                if (newest.getDesiredState() == TaskState.REMOVE && !Handover.anyStillStopping(history, nodes)
                        && (!global || eligible(service, nodes.get(entry.getKey())))) {
                    plan.create.add(newTaskFor(service, entry.getKey(), global, factory));
                }
                // else the restart policy gave up on this slot: it stays empty, as in Swarm
                // (or a paused node keeps its global slot without getting a new task)
            } else if (vacating(live, nodes)) {
                plan.update.add(live.toBuilder().setDesiredState(TaskState.SHUTDOWN).build());
                plan.create.add(RestartCounter.carry(newTaskFor(service, entry.getKey(), global, factory), live, factory.now()));
            } else if (TaskStates.finished(live) && (!global || eligible(service, nodes.get(entry.getKey())))
                    && !(updaterTakesOver && isNewTaskOfRollout(service, live))) {
                restart(service, live, history, entry.getKey(), global, factory, plan);
            }
            prune(history, historyLimit, plan);
        }
        if (!global) {
            long replicas = replicas(service);
            for (long slot = 1; slot <= replicas; slot++) {
                if (!slots.containsKey(Long.toString(slot))) {
                    if (!fresh.allowsAnother()) {
                        break; // the next pass goes on from here
                    }
                    Task t = factory.newTask(service, slot, "");
                    fresh.took(t);
                    plan.create.add(t);
                }
            }
        } else {
            for (Node n : nodes.values()) {
                if (!slots.containsKey(n.getId()) && eligible(service, n)) {
                    if (!fresh.allowsAnother()) {
                        break;
                    }
                    Task t = factory.newTask(service, 0, n.getId());
                    fresh.took(t);
                    plan.create.add(t);
                }
            }
        }
        return plan;
    }

    /**
     * A task the running rollout created (current spec version): restarted now it would run the
     * spec the updater is about to pause or roll back from. The updater's next write decides: a
     * rollback replaces it with the previous spec at once; a pause ends the rollout, after which
     * this planner restarts it per its policy, as Swarm's restart supervisor does.
     */
    private static boolean isNewTaskOfRollout(Service service, Task t) {
        return t.getSpecVersion() == service.getSpecVersion();
    }

    /** Tasks of a service that no longer exists: stop them all, delete them once stopped. */
    public static Plan planRemoved(List<Task> tasks) {
        Plan plan = new Plan();
        removeSlot(tasks, plan);
        return plan;
    }

    private static void restart(Service service, Task live, List<Task> history, String key, boolean global,
                                TaskFactory factory, Plan plan) {
        var decision = RestartDecider.decide(live.getSpec().getRestartPolicy(), live, history, factory.now());
        if (decision instanceof RestartDecider.At at) {
            plan.wakeAt(at.when());
            return;
        }
        plan.update.add(live.toBuilder().setDesiredState(TaskState.SHUTDOWN).build());
        if (decision instanceof RestartDecider.Now) {
            plan.create.add(RestartCounter.carry(newTaskFor(service, key, global, factory), live, factory.now()));
        }
    }

    static void removeSlot(List<Task> history, Plan plan) {
        for (Task t : history) {
            if (TaskStates.finished(t) || TaskStates.before(t.getStatus().getState(), TaskState.ASSIGNED)) {
                plan.delete.add(t);
            } else if (t.getDesiredState() != TaskState.REMOVE) {
                plan.update.add(t.toBuilder().setDesiredState(TaskState.REMOVE).build());
            }
        }
    }

    static void prune(List<Task> history, int historyLimit, Plan plan) {
        int excess = history.size() - Math.max(1, historyLimit);
        for (int i = 0; i < history.size() && excess > 0; i++) {
            Task t = history.get(i);
            if (!TaskStates.live(t) && TaskStates.finished(t)) {
                plan.delete.add(t);
                excess--;
            }
        }
    }

    private static Task newTaskFor(Service service, String key, boolean global, TaskFactory factory) {
        return global ? factory.newTask(service, 0, key) : factory.newTask(service, Long.parseLong(key), "");
    }

    public static long replicas(Service service) {
        return service.getSpec().getMode().hasGlobal() ? 0 : service.getSpec().getMode().getReplicated().getReplicas();
    }

    /**
     * The task's node is down, gone, or drained by the operator: the task must move (Swarm
     * treats a drained node like a down one for the tasks on it). A paused node keeps its tasks.
     */
    public static boolean vacating(Task t, Map<String, Node> nodes) {
        if (t.getNodeId().isEmpty()) {
            return false;
        }
        Node n = nodes.get(t.getNodeId());
        return n == null || n.getStatus().getState() == NodeStatus.State.DOWN
                || n.getSpec().getAvailability() == NodeSpec.Availability.DRAIN;
    }

    /** Whether a global service wants a new task on this node: ready, active, constraints and runtime met. */
    static boolean eligible(Service service, Node node) {
        if (node == null) {
            return false;
        }
        Task probe = probe(service);
        NodeInfo info = new NodeInfo(node);
        return READY.check(probe, info) && fits(probe, info);
    }

    /**
     * Whether a global service keeps the task it has on this node: as {@link #eligible}, except
     * that a paused node keeps its task (it only gets no new ones); a drained one does not.
     */
    public static boolean keepsGlobalTask(Service service, Node node) {
        if (node == null || node.getStatus().getState() != NodeStatus.State.READY
                || node.getSpec().getAvailability() == NodeSpec.Availability.DRAIN) {
            return false;
        }
        return fits(probe(service), new NodeInfo(node));
    }

    private static Task probe(Service service) {
        return Task.newBuilder().setSpec(service.getSpec().getTaskTemplate()).build();
    }

    private static boolean fits(Task probe, NodeInfo info) {
        return (!RUNTIME.appliesTo(probe) || RUNTIME.check(probe, info))
                && (!CONSTRAINTS.appliesTo(probe) || CONSTRAINTS.check(probe, info));
    }
}
