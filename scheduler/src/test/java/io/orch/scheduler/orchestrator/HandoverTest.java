package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.scheduler.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A stop-first handover in flight when the orchestrator replaces the waiting new task. */
class HandoverTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static TaskFactory factory() {
        AtomicInteger n = new AtomicInteger();
        return new TaskFactory(() -> "new" + n.incrementAndGet(), T0);
    }

    private static Node down(String id) {
        Node n = Fixtures.node(id);
        return n.toBuilder().setStatus(n.getStatus().toBuilder().setState(NodeStatus.State.DOWN)).build();
    }

    @Test
    void theReplacementOfAWaitingTaskWhoseNodeWentDownWaitsToo() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        // the old task is still stopping on n1; the new one waited (desired READY) on n2, which went down
        Task old = Fixtures.task("old", s, 1, "n1", TaskState.RUNNING, T0, T0).toBuilder()
                .setDesiredState(TaskState.SHUTDOWN).build();
        Task waiting = Fixtures.task("new", s, 1, "n2", TaskState.READY, T0, T0).toBuilder()
                .setDesiredState(TaskState.READY).build();
        List<Task> tasks = List.of(old, waiting);
        Plan plan = ServicePlanner.plan(s, tasks, Map.of("n1", Fixtures.node("n1"), "n2", down("n2")), factory(), 5);
        assertEquals(TaskState.RUNNING, plan.create.get(0).getDesiredState(), "the planner alone would start it at once");

        Handover.keepWaiting(plan, tasks);
        assertEquals(1, plan.create.size());
        assertEquals(TaskState.READY, plan.create.get(0).getDesiredState());
        assertEquals(TaskState.SHUTDOWN, plan.update.get(0).getDesiredState());
    }

    @Test
    void anOrdinaryReplacementStartsAtOnce() {
        Service s = Fixtures.replicated("s", 2, RestartPolicy.getDefaultInstance());
        Task onDownNode = Fixtures.task("a", s, 1, "n2", TaskState.RUNNING, T0, T0);
        Task failed = Fixtures.task("b", s, 2, "n1", TaskState.FAILED, T0, T0);
        List<Task> tasks = List.of(onDownNode, failed);
        Plan plan = ServicePlanner.plan(s, tasks, Map.of("n1", Fixtures.node("n1"), "n2", down("n2")), factory(), 5);
        Handover.keepWaiting(plan, tasks);
        assertEquals(2, plan.create.size());
        plan.create.forEach(t -> assertEquals(TaskState.RUNNING, t.getDesiredState(), "slot " + t.getSlot()));
    }

    @Test
    void aSlotScaledAwayAndBackGetsItsNewTaskOnlyOnceTheRemovedOneStopped() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Task removed = Fixtures.task("a", s, 1, "n1", TaskState.RUNNING, T0, T0).toBuilder()
                .setDesiredState(TaskState.REMOVE).build();
        Map<String, Node> nodes = Map.of("n1", Fixtures.node("n1"));
        assertEquals(List.of(), ServicePlanner.plan(s, List.of(removed), nodes, factory(), 5).create, "still stopping");

        Task stopped = removed.toBuilder().setStatus(removed.getStatus().toBuilder().setState(TaskState.SHUTDOWN)).build();
        assertEquals(1, ServicePlanner.plan(s, List.of(stopped), nodes, factory(), 5).create.size());
        assertEquals(1, ServicePlanner.plan(s, List.of(removed), Map.of("n1", down("n1")), factory(), 5).create.size(),
                "a task on a node that is down holds nothing");
    }

    @Test
    void aGlobalTaskRejectedWhileWaitingIsReplacedByOneThatWaitsToo() {
        Service s = Fixtures.global("g");
        Task old = Fixtures.task("old", s, 0, "n1", TaskState.RUNNING, T0, T0).toBuilder()
                .setDesiredState(TaskState.SHUTDOWN).build();
        Task rejected = Fixtures.task("new", s, 0, "n1", TaskState.REJECTED, T0.minusSeconds(60), T0.minusSeconds(60)).toBuilder()
                .setDesiredState(TaskState.READY).build();
        List<Task> tasks = List.of(old, rejected);
        Plan plan = ServicePlanner.plan(s, tasks, Map.of("n1", Fixtures.node("n1")), factory(), 5);
        assertEquals(1, plan.create.size(), "restarted per policy");
        Handover.keepWaiting(plan, tasks);
        assertEquals(TaskState.READY, plan.create.get(0).getDesiredState(), "the old task on n1 is still stopping");
        assertEquals("n1", plan.create.get(0).getNodeId());
    }
}
