package io.orch.scheduler.orchestrator;

import io.orch.api.model.TaskStates;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.UpdateConfig;
import io.orch.scheduler.Fixtures;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drain moves tasks away, pause keeps them, for replicated and global services (Swarm's rules). */
class NodeAvailabilityPlanningTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static TaskFactory factory() {
        AtomicInteger n = new AtomicInteger();
        return new TaskFactory(() -> "new" + n.incrementAndGet(), T0.plusSeconds(10));
    }

    private static Node node(String id, NodeSpec.Availability availability, NodeStatus.State state) {
        Node n = Fixtures.node(id);
        return n.toBuilder().setSpec(n.getSpec().toBuilder().setAvailability(availability))
                .setStatus(NodeStatus.newBuilder().setState(state)).build();
    }

    @Test
    void aReplicatedTaskOnADrainedNodeIsShutDownAndReplacedInItsSlot() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Task running = Fixtures.task("a", s, 1, "n1", TaskState.RUNNING, T0, T0);
        Map<String, Node> nodes = Map.of("n1", node("n1", NodeSpec.Availability.DRAIN, NodeStatus.State.READY));
        Plan plan = ServicePlanner.plan(s, List.of(running), nodes, factory(), 5);
        assertEquals(List.of("a"), plan.update.stream().map(Task::getId).toList());
        assertEquals(TaskState.SHUTDOWN, plan.update.get(0).getDesiredState());
        assertEquals(1, plan.create.size());
        assertEquals(1L, plan.create.get(0).getSlot());
        assertEquals("", plan.create.get(0).getNodeId(), "the scheduler places the replacement (never on a drained node)");
    }

    @Test
    void aReplicatedTaskOnAPausedNodeStays() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Task running = Fixtures.task("a", s, 1, "n1", TaskState.RUNNING, T0, T0);
        Map<String, Node> nodes = Map.of("n1", node("n1", NodeSpec.Availability.PAUSE, NodeStatus.State.READY));
        assertTrue(ServicePlanner.plan(s, List.of(running), nodes, factory(), 5).isEmpty());
    }

    @Test
    void aGlobalServiceLeavesADrainedNodeAndKeepsItsTaskOnAPausedOne() {
        Service g = Fixtures.global("g");
        Map<String, Node> nodes = Map.of(
                "n1", node("n1", NodeSpec.Availability.DRAIN, NodeStatus.State.READY),
                "n2", node("n2", NodeSpec.Availability.PAUSE, NodeStatus.State.READY),
                "n3", node("n3", NodeSpec.Availability.PAUSE, NodeStatus.State.READY));
        Task onDrained = Fixtures.task("a", g, 0, "n1", TaskState.RUNNING, T0, T0);
        Task onPaused = Fixtures.task("b", g, 0, "n2", TaskState.RUNNING, T0, T0);
        Plan plan = ServicePlanner.plan(g, List.of(onDrained, onPaused), nodes, factory(), 5);
        assertEquals(List.of("a"), plan.update.stream().map(Task::getId).toList());
        assertEquals(TaskState.REMOVE, plan.update.get(0).getDesiredState());
        assertTrue(plan.create.isEmpty(), "no new task on the paused n3, none anywhere else: " + plan.create);
    }

    @Test
    void aGlobalTaskThatExitsOnAPausedNodeIsNotRestartedUntilTheNodeIsActive() {
        Service g = Fixtures.global("g");
        Task exited = Fixtures.task("a", g, 0, "n1", TaskState.FAILED, T0, T0);
        Map<String, Node> paused = Map.of("n1", node("n1", NodeSpec.Availability.PAUSE, NodeStatus.State.READY));
        assertTrue(ServicePlanner.plan(g, List.of(exited), paused, factory(), 5).create.isEmpty());
        Map<String, Node> active = Map.of("n1", node("n1", NodeSpec.Availability.ACTIVE, NodeStatus.State.READY));
        assertEquals(List.of("n1"), ServicePlanner.plan(g, List.of(exited), active, factory(), 5).create.stream()
                .map(Task::getNodeId).toList());
    }

    @Test
    void aRollingUpdateLeavesSlotsOnDrainedNodesToTheOrchestratorAndSkipsPausedGlobalNodes() {
        Service v1 = Fixtures.replicated("s", 2, RestartPolicy.getDefaultInstance());
        Service v2 = v1.toBuilder().setSpecVersion(2).setSpec(v1.getSpec().toBuilder()
                        .setTaskTemplate(v1.getSpec().getTaskTemplate().toBuilder().setForceUpdate(1))
                        .setUpdateConfig(UpdateConfig.newBuilder().setParallelism(0)))
                .setUpdateStatus(UpdateStatuses.started(T0)).build();
        List<Task> tasks = List.of(Fixtures.task("a", v1, 1, "n1", TaskState.RUNNING, T0, T0),
                Fixtures.task("b", v1, 2, "n2", TaskState.RUNNING, T0, T0));
        Map<String, Node> nodes = Map.of("n1", node("n1", NodeSpec.Availability.DRAIN, NodeStatus.State.READY),
                "n2", node("n2", NodeSpec.Availability.ACTIVE, NodeStatus.State.READY));
        RollingUpdate.Step step = RollingUpdate.step(v2, tasks, nodes, factory(), new HashMap<>(), Readiness.RUNNING);
        assertEquals(List.of(2L), step.tasks.create.stream().map(Task::getSlot).toList(),
                "slot 1 is the orchestrator's to replace (its node is drained)");

        Service g1 = Fixtures.global("g");
        Service g2 = g1.toBuilder().setSpecVersion(2).setSpec(g1.getSpec().toBuilder()
                        .setTaskTemplate(g1.getSpec().getTaskTemplate().toBuilder().setForceUpdate(1))
                        .setUpdateConfig(UpdateConfig.newBuilder().setParallelism(0)))
                .setUpdateStatus(UpdateStatuses.started(T0)).build();
        Map<String, Node> globalNodes = Map.of("n1", node("n1", NodeSpec.Availability.PAUSE, NodeStatus.State.READY),
                "n2", node("n2", NodeSpec.Availability.ACTIVE, NodeStatus.State.READY));
        List<Task> globalTasks = List.of(Fixtures.task("c", g1, 0, "n1", TaskState.RUNNING, T0, T0),
                Fixtures.task("d", g1, 0, "n2", TaskState.RUNNING, T0, T0));
        RollingUpdate.Step global = RollingUpdate.step(g2, globalTasks, globalNodes, factory(), new HashMap<>(), Readiness.RUNNING);
        assertEquals(List.of("n2"), global.tasks.create.stream().map(Task::getNodeId).toList(),
                "a paused node gets no new task, not even an update");
    }

    /**
     * Any mix of node availabilities and states: after one plan no task is left wanted on a
     * drained, down or unknown node; a task on a paused (ready) node is never touched; no new
     * task is made for a node that is not ready and active; every replicated slot has exactly one
     * wanted task.
     */
    @Property(tries = 300)
    void drainMovesEverythingPauseMovesNothing(@ForAll @IntRange(min = 1, max = 8) int nodeCount,
                                               @ForAll @IntRange(min = 0, max = 12) int replicas,
                                               @ForAll boolean global, @ForAll long seed) {
        Random random = new Random(seed);
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (int i = 0; i < nodeCount; i++) {
            NodeSpec.Availability a = NodeSpec.Availability.forNumber(random.nextInt(3));
            NodeStatus.State st = random.nextInt(4) == 0 ? NodeStatus.State.DOWN : NodeStatus.State.READY;
            nodes.put("n" + i, node("n" + i, a, st));
        }
        Service s = global ? Fixtures.global("g") : Fixtures.replicated("r", replicas, RestartPolicy.getDefaultInstance());
        List<Task> tasks = new ArrayList<>();
        List<String> ids = new ArrayList<>(nodes.keySet());
        ids.add("gone"); // a node removed from the store
        if (global) {
            for (String id : ids) {
                if (random.nextBoolean()) {
                    tasks.add(Fixtures.task("t-" + id, s, 0, id, TaskState.RUNNING, T0, T0));
                }
            }
        } else {
            for (int slot = 1; slot <= replicas; slot++) {
                if (random.nextInt(5) > 0) {
                    String on = ids.get(random.nextInt(ids.size()));
                    tasks.add(Fixtures.task("t" + slot, s, slot, on, TaskState.RUNNING, T0, T0));
                }
            }
        }

        Plan plan = ServicePlanner.plan(s, tasks, nodes, factory(), 5);

        Set<String> stopped = new HashSet<>();
        plan.update.forEach(t -> {
            if (!TaskStates.live(t)) {
                stopped.add(t.getId());
            }
        });
        plan.delete.forEach(t -> stopped.add(t.getId()));
        for (Task t : tasks) {
            Node n = nodes.get(t.getNodeId());
            boolean keeps = !stopped.contains(t.getId());
            boolean movable = n == null || n.getStatus().getState() == NodeStatus.State.DOWN
                    || n.getSpec().getAvailability() == NodeSpec.Availability.DRAIN;
            if (movable) {
                assertTrue(!keeps, "task " + t.getId() + " left on " + t.getNodeId());
            } else if (n.getSpec().getAvailability() == NodeSpec.Availability.PAUSE) {
                assertTrue(keeps, "task " + t.getId() + " on paused " + t.getNodeId() + " was stopped");
            }
        }
        for (Task created : plan.create) {
            if (!created.getNodeId().isEmpty()) {
                Node n = nodes.get(created.getNodeId());
                assertTrue(n.getStatus().getState() == NodeStatus.State.READY
                        && n.getSpec().getAvailability() == NodeSpec.Availability.ACTIVE, "new task on " + n);
            }
        }
        if (!global) {
            Map<Long, Integer> perSlot = new HashMap<>();
            tasks.stream().filter(t -> !stopped.contains(t.getId())).forEach(t -> perSlot.merge(t.getSlot(), 1, Integer::sum));
            plan.create.forEach(t -> perSlot.merge(t.getSlot(), 1, Integer::sum));
            for (long slot = 1; slot <= replicas; slot++) {
                assertEquals(1, perSlot.getOrDefault(slot, 0), "slot " + slot + " of " + perSlot);
            }
        }
    }
}
