package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.UpdateConfig;
import io.orch.scheduler.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServicePlannerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Map<String, Node> nodes = Map.of("n1", Fixtures.node("n1"));

    private static TaskFactory factory(Instant now) {
        AtomicInteger n = new AtomicInteger();
        return new TaskFactory(() -> "new" + n.incrementAndGet(), now);
    }

    @Test
    void createsOneTaskPerMissingSlot() {
        Service s = Fixtures.replicated("s", 3, RestartPolicy.getDefaultInstance());
        Task existing = Fixtures.task("a", s, 2, "n1", TaskState.RUNNING, T0, T0);
        Plan plan = ServicePlanner.plan(s, List.of(existing), nodes, factory(T0), 5);
        assertEquals(List.of(1L, 3L), plan.create.stream().map(Task::getSlot).toList());
        assertTrue(plan.update.isEmpty() && plan.delete.isEmpty());
    }

    @Test
    void aFailedTaskOfARolloutWhoseFailureActionIsDueIsLeftToTheUpdater() {
        Service v1 = Fixtures.replicated("s", 2, RestartPolicy.getDefaultInstance());
        Service v2 = v1.toBuilder().setSpecVersion(2).setPreviousSpec(v1.getSpec())
                .setSpec(v1.getSpec().toBuilder().setUpdateConfig(UpdateConfig.newBuilder().setParallelism(1)
                        .setFailureAction(UpdateConfig.FailureAction.ROLLBACK)))
                .setUpdateStatus(UpdateStatuses.started(T0)).build();
        Task old = Fixtures.task("old2", v1, 2, "n1", TaskState.RUNNING, T0.minusSeconds(60), T0.minusSeconds(60));
        Task failed = Fixtures.task("bad", v2, 1, "n1", TaskState.FAILED, T0.plusMillis(10), T0.plusMillis(80));

        Plan plan = ServicePlanner.plan(v2, List.of(failed, old), nodes, factory(T0.plusMillis(80)), 5);
        assertTrue(plan.create.isEmpty() && plan.update.isEmpty(), "not restarted with the spec about to be rolled back");

        Service paused = v2.toBuilder().setUpdateStatus(UpdateStatuses.pausedByFailure(v2.getUpdateStatus(), "bad")).build();
        Plan afterPause = ServicePlanner.plan(paused, List.of(failed, old), nodes, factory(T0.plusMillis(90)), 5);
        assertEquals(List.of(1L), afterPause.create.stream().map(Task::getSlot).toList(), "once paused, the restart policy applies");
    }

    @Test
    void scaleDownRemovesTheHighestSlots() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Task one = Fixtures.task("a", s, 1, "n1", TaskState.RUNNING, T0, T0);
        Task two = Fixtures.task("b", s, 2, "n1", TaskState.RUNNING, T0, T0);
        Plan plan = ServicePlanner.plan(s, List.of(one, two), nodes, factory(T0), 5);
        assertEquals(1, plan.update.size());
        assertEquals("b", plan.update.get(0).getId());
        assertEquals(TaskState.REMOVE, plan.update.get(0).getDesiredState());
    }

    @Test
    void aFailedTaskIsReplacedInItsSlotAndKeptAsHistory() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Task failed = Fixtures.task("a", s, 1, "n1", TaskState.FAILED, T0, T0.plusSeconds(60));
        Plan plan = ServicePlanner.plan(s, List.of(failed), nodes, factory(T0.plusSeconds(60)), 5);
        assertEquals(TaskState.SHUTDOWN, plan.update.get(0).getDesiredState());
        assertEquals(1L, plan.create.get(0).getSlot());
        assertTrue(plan.delete.isEmpty());
    }

    @Test
    void conditionNoneLeavesTheSlotEmpty() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.newBuilder().setCondition(RestartPolicy.Condition.NONE).build());
        Task failed = Fixtures.task("a", s, 1, "n1", TaskState.FAILED, T0, T0);
        Plan first = ServicePlanner.plan(s, List.of(failed), nodes, factory(T0), 5);
        assertTrue(first.create.isEmpty());
        Task stopped = first.update.get(0);
        assertEquals(TaskState.SHUTDOWN, stopped.getDesiredState());
        assertTrue(ServicePlanner.plan(s, List.of(stopped), nodes, factory(T0), 5).isEmpty(), "no restart later either");
    }

    @Test
    void onFailureDoesNotRestartACompletedTask() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.newBuilder().setCondition(RestartPolicy.Condition.ON_FAILURE).build());
        Task done = Fixtures.task("a", s, 1, "n1", TaskState.COMPLETE, T0, T0);
        assertTrue(ServicePlanner.plan(s, List.of(done), nodes, factory(T0), 5).create.isEmpty());
    }

    @Test
    void aDelayedRestartWakesTheLoopAtTheRightTime() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.newBuilder().setDelay(Duration.ofSeconds(5).toNanos()).build());
        Task failed = Fixtures.task("a", s, 1, "n1", TaskState.FAILED, T0, T0.plusSeconds(1));
        Plan plan = ServicePlanner.plan(s, List.of(failed), nodes, factory(T0.plusSeconds(2)), 5);
        assertTrue(plan.isEmpty());
        assertEquals(T0.plusSeconds(6), plan.wakeAt());
        assertEquals(1, ServicePlanner.plan(s, List.of(failed), nodes, factory(T0.plusSeconds(6)), 5).create.size());
    }

    @Test
    void maxAttemptsStopsRestarting() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.newBuilder().setMaxAttempts(1).setDelay(0).build());
        Task first = Fixtures.task("a", s, 1, "n1", TaskState.FAILED, T0, T0).toBuilder().setDesiredState(TaskState.SHUTDOWN).build();
        Task second = Fixtures.task("b", s, 1, "n1", TaskState.FAILED, T0.plusSeconds(1), T0.plusSeconds(2));
        Plan plan = ServicePlanner.plan(s, List.of(first, second), nodes, factory(T0.plusSeconds(3)), 5);
        assertTrue(plan.create.isEmpty());
    }

    @Test
    void crashLoopsBackOffExponentially() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Task a = Fixtures.task("a", s, 1, "n1", TaskState.FAILED, T0, T0);
        Task b = Fixtures.task("b", s, 1, "n1", TaskState.FAILED, T0, T0);
        Task c = Fixtures.task("c", s, 1, "n1", TaskState.FAILED, T0, T0);
        assertEquals(Duration.ZERO, RestartDecider.backoff(List.of(a)));
        assertEquals(Duration.ofMillis(100), RestartDecider.backoff(List.of(a, b)));
        assertEquals(Duration.ofMillis(200), RestartDecider.backoff(List.of(a, b, c)));
    }

    @Test
    void aTaskOnADownNodeIsReplacedAtOnce() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Node down = Fixtures.node("n1").toBuilder().setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.DOWN)).build();
        Task running = Fixtures.task("a", s, 1, "n1", TaskState.RUNNING, T0, T0);
        Plan plan = ServicePlanner.plan(s, List.of(running), Map.of("n1", down), factory(T0), 5);
        assertEquals(1, plan.create.size());
        assertEquals(TaskState.SHUTDOWN, plan.update.get(0).getDesiredState());
    }

    @Test
    void historyIsPrunedToTheLimitPerSlot() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Task[] old = new Task[4];
        for (int i = 0; i < old.length; i++) {
            old[i] = Fixtures.task("old" + i, s, 1, "n1", TaskState.FAILED, T0.plusSeconds(i), T0.plusSeconds(i))
                    .toBuilder().setDesiredState(TaskState.SHUTDOWN).build();
        }
        Task live = Fixtures.task("live", s, 1, "n1", TaskState.RUNNING, T0.plusSeconds(9), T0.plusSeconds(9));
        Plan plan = ServicePlanner.plan(s, List.of(old[0], old[1], old[2], old[3], live), nodes, factory(T0.plusSeconds(10)), 3);
        assertEquals(List.of("old0", "old1"), plan.delete.stream().map(Task::getId).toList());
    }

    @Test
    void tasksOfAnOlderSpecAreLeftToTheRollingUpdate() {
        Service s = Fixtures.replicated("s", 2, RestartPolicy.getDefaultInstance());
        List<Task> tasks = List.of(Fixtures.task("a", s, 1, "n1", TaskState.RUNNING, T0, T0),
                Fixtures.task("b", s, 2, "n1", TaskState.RUNNING, T0, T0));
        Service updated = s.toBuilder().setSpecVersion(2).setSpec(s.getSpec().toBuilder()
                .setTaskTemplate(s.getSpec().getTaskTemplate().toBuilder().setForceUpdate(1))).build();
        assertTrue(ServicePlanner.plan(updated, tasks, nodes, factory(T0), 5).isEmpty());
    }

    @Test
    void duringAStartFirstHandoverTheNewestLiveTaskIsTheSlotsOwn() {
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        Task old = Fixtures.task("old", s, 1, "n1", TaskState.RUNNING, T0, T0);
        Task starting = Fixtures.task("new", s, 1, "n1", TaskState.STARTING, T0.plusSeconds(1), T0.plusSeconds(1));
        assertTrue(ServicePlanner.plan(s, List.of(old, starting), nodes, factory(T0.plusSeconds(2)), 5).isEmpty(),
                "two live tasks in one slot: no restart, no extra task");
    }

    @Test
    void restartAttemptsCountOnlyUnderTheCurrentSpec() {
        RestartPolicy once = RestartPolicy.newBuilder().setMaxAttempts(1).setDelay(0).build();
        Service v1 = Fixtures.replicated("s", 1, once);
        Task first = Fixtures.task("a", v1, 1, "n1", TaskState.SHUTDOWN, T0, T0).toBuilder().setDesiredState(TaskState.SHUTDOWN).build();
        Service v2 = v1.toBuilder().setSpecVersion(2).build();
        Task replacement = Fixtures.task("b", v2, 1, "n1", TaskState.FAILED, T0.plusSeconds(1), T0.plusSeconds(2));
        Plan plan = ServicePlanner.plan(v2, List.of(first, replacement), nodes, factory(T0.plusSeconds(3)), 5);
        assertEquals(1, plan.create.size(), "the update's replacement is not a restart");
    }

    @Test
    void aGlobalServiceRunsOneTaskPerEligibleNode() {
        Service s = Fixtures.global("g");
        Map<String, Node> three = Map.of("n1", Fixtures.node("n1"), "n2", Fixtures.node("n2"),
                "n3", Fixtures.node("n3").toBuilder().setSpec(io.orch.api.proto.NodeSpec.newBuilder()
                        .setAvailability(io.orch.api.proto.NodeSpec.Availability.DRAIN)).build());
        Task onN1 = Fixtures.task("a", s, 0, "n1", TaskState.RUNNING, T0, T0);
        Plan plan = ServicePlanner.plan(s, List.of(onN1), three, factory(T0), 5);
        assertEquals(List.of("n2"), plan.create.stream().map(Task::getNodeId).toList());
    }
}
