package io.orch.scheduler.orchestrator;

import io.orch.api.model.Times;
import io.orch.api.proto.GlobalJob;
import io.orch.api.proto.JobStatus;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.ReplicatedJob;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.Version;
import io.orch.scheduler.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobPlannerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final RestartPolicy ON_FAILURE = RestartPolicy.newBuilder().setCondition(RestartPolicy.Condition.ON_FAILURE).build();
    private final Map<String, Node> nodes = new HashMap<>(Map.of("n1", Fixtures.node("n1")));

    private static TaskFactory factory(Instant now) {
        AtomicInteger n = new AtomicInteger();
        return new TaskFactory(() -> "new" + n.incrementAndGet(), now);
    }

    private static Service replicatedJob(long maxConcurrent, long total, RestartPolicy policy, long iteration) {
        Service s = Fixtures.replicated("j", 1, policy);
        return s.toBuilder().setSpec(s.getSpec().toBuilder().setMode(ServiceMode.newBuilder()
                        .setReplicatedJob(ReplicatedJob.newBuilder().setMaxConcurrent(maxConcurrent).setTotalCompletions(total))))
                .setJobStatus(JobStatus.newBuilder().setJobIteration(Version.newBuilder().setIndex(iteration)))
                .build();
    }

    private static Service globalJob(long iteration) {
        Service s = Fixtures.global("g");
        return s.toBuilder().setSpec(s.getSpec().toBuilder().setMode(ServiceMode.newBuilder().setGlobalJob(GlobalJob.getDefaultInstance()))
                        .setTaskTemplate(s.getSpec().getTaskTemplate().toBuilder().setRestartPolicy(ON_FAILURE)))
                .setJobStatus(JobStatus.newBuilder().setJobIteration(Version.newBuilder().setIndex(iteration)))
                .build();
    }

    private static Task task(String id, Service s, long slot, String node, TaskState state, Instant changed) {
        return Fixtures.task(id, s, slot, node, state, T0, changed).toBuilder()
                .setJobIteration(s.getJobStatus().getJobIteration()).build();
    }

    private Plan plan(Service s, List<Task> tasks, Instant now) {
        return JobPlanner.plan(s, tasks, nodes, factory(now), 5);
    }

    @Test
    void aReplicatedJobStartsAtMostMaxConcurrentTasksOfItsRun() {
        Service s = replicatedJob(2, 3, ON_FAILURE, 1);
        Plan plan = plan(s, List.of(), T0);
        assertEquals(List.of(0L, 1L), plan.create.stream().map(Task::getSlot).toList()); // from 0, as swarmkit
        assertTrue(plan.create.stream().allMatch(t -> t.getJobIteration().getIndex() == 1));
    }

    @Test
    void aCompletedTaskIsDoneAndFreesItsPlaceForTheNextSlot() {
        Service s = replicatedJob(2, 3, ON_FAILURE, 1);
        Task done = task("a", s, 0, "n1", TaskState.COMPLETE, T0.plusSeconds(1));
        Task busy = task("b", s, 1, "n1", TaskState.RUNNING, T0);
        Plan plan = plan(s, List.of(done, busy), T0.plusSeconds(2));
        assertEquals(List.of(2L), plan.create.stream().map(Task::getSlot).toList());
        assertEquals(List.of("a"), plan.update.stream().map(Task::getId).toList());
        assertEquals(TaskState.COMPLETE, plan.update.get(0).getDesiredState());
    }

    @Test
    void aJobWhoseTasksAllCompletedStartsNothingMore() {
        Service s = replicatedJob(2, 3, RestartPolicy.getDefaultInstance(), 1); // condition any
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(task("t" + i, s, i, "n1", TaskState.COMPLETE, T0.plusSeconds(i)).toBuilder()
                    .setDesiredState(TaskState.COMPLETE).build());
        }
        Plan plan = plan(s, tasks, T0.plusSeconds(60));
        assertTrue(plan.create.isEmpty(), "a completed task is never restarted, even with condition any");
        assertTrue(plan.update.isEmpty());
    }

    @Test
    void aFailedTaskIsRestartedInItsSlot() {
        Service s = replicatedJob(1, 1, ON_FAILURE, 1);
        Task failed = task("a", s, 0, "n1", TaskState.FAILED, T0.plusSeconds(30));
        Plan plan = plan(s, List.of(failed), T0.plusSeconds(30));
        assertEquals(TaskState.SHUTDOWN, plan.update.get(0).getDesiredState());
        assertEquals(List.of(0L), plan.create.stream().map(Task::getSlot).toList());
    }

    @Test
    void whenTheRestartPolicyGivesUpTheSlotStaysFailedAndTheNextSlotStarts() {
        Service s = replicatedJob(1, 2, ON_FAILURE.toBuilder().setMaxAttempts(1).build(), 1);
        Task first = task("a", s, 0, "n1", TaskState.FAILED, T0.plusSeconds(30)).toBuilder().setDesiredState(TaskState.SHUTDOWN).build();
        Task second = task("b", s, 0, "n1", TaskState.FAILED, T0.plusSeconds(60)).toBuilder()
                .setCreatedAt(Times.timestamp(T0.plusSeconds(31))).build();
        Plan plan = plan(s, List.of(first, second), T0.plusSeconds(60));
        assertEquals(List.of("b"), plan.update.stream().map(Task::getId).toList());
        assertEquals(TaskState.SHUTDOWN, plan.update.get(0).getDesiredState());
        // slot 0 gave up and is no longer running: slot 1 may start (MaxConcurrent 1 counts running tasks)
        assertEquals(List.of(1L), plan.create.stream().map(Task::getSlot).toList());
        Plan after = plan(s, List.of(first, plan.update.get(0)), T0.plusSeconds(61));
        assertEquals(List.of(1L), after.create.stream().map(Task::getSlot).toList());
    }

    @Test
    void aNewRunStopsTheTasksOfTheLastOneAndStartsAfresh() {
        Service run1 = replicatedJob(1, 1, ON_FAILURE, 1);
        Task old = task("a", run1, 0, "n1", TaskState.RUNNING, T0);
        Service run2 = replicatedJob(1, 1, ON_FAILURE, 2);
        Plan plan = plan(run2, List.of(old), T0.plusSeconds(5));
        assertEquals(List.of("a"), plan.update.stream().map(Task::getId).toList());
        assertEquals(TaskState.SHUTDOWN, plan.update.get(0).getDesiredState());
        assertEquals(1, plan.create.size());
        assertEquals(2, plan.create.get(0).getJobIteration().getIndex());
    }

    @Test
    void aGlobalJobRunsOncePerNodeAndOnANodeThatJoinsLater() {
        Service s = globalJob(1);
        nodes.put("n2", Fixtures.node("n2"));
        Plan first = plan(s, List.of(), T0);
        assertEquals(List.of("n1", "n2"), first.create.stream().map(Task::getNodeId).sorted().toList());

        Task done1 = task("a", s, 0, "n1", TaskState.COMPLETE, T0.plusSeconds(1));
        Task done2 = task("b", s, 0, "n2", TaskState.COMPLETE, T0.plusSeconds(1));
        nodes.put("n3", Fixtures.node("n3"));
        Plan later = plan(s, List.of(done1, done2), T0.plusSeconds(10));
        assertEquals(List.of("n3"), later.create.stream().map(Task::getNodeId).toList());
    }

    @Test
    void aGlobalJobSkipsADrainedNode() {
        Service s = globalJob(1);
        nodes.put("n2", Fixtures.node("n2").toBuilder().setSpec(NodeSpec.newBuilder().setAvailability(NodeSpec.Availability.DRAIN)).build());
        Plan plan = plan(s, List.of(), T0);
        assertEquals(List.of("n1"), plan.create.stream().map(Task::getNodeId).toList());
    }
}
