package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Node;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.scheduler.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A planner makes tasks for empty slots only while its budget lasts, whatever the spec asks for. */
class FreshTasksTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final long ENTRY_BYTES = 2 << 20;
    private final Map<String, Node> nodes = Map.of("n1", Fixtures.node("n1"));

    private static TaskFactory factory() {
        AtomicInteger n = new AtomicInteger();
        return new TaskFactory(() -> "new" + n.incrementAndGet(), T0);
    }

    @Test
    void fiftyMillionReplicasCostOneEntryBudgetPerPass() {
        Service huge = Fixtures.replicated("huge", 50_000_000, RestartPolicy.getDefaultInstance());
        FreshTasks fresh = new FreshTasks(Long.MAX_VALUE, ENTRY_BYTES);
        Plan plan = ServicePlanner.plan(huge, List.of(), nodes, factory(), 5, fresh);
        long bytes = plan.create.stream().mapToLong(Task::getSerializedSize).sum();
        long one = plan.create.stream().mapToLong(Task::getSerializedSize).max().orElseThrow();
        assertTrue(bytes >= ENTRY_BYTES && bytes < ENTRY_BYTES + one, bytes + " bytes of new tasks");
        assertTrue(fresh.cutShort(), "the rest waits for the next pass");
        assertFalse(fresh.outOfTasks(), "not because the store is full");
        assertEquals(1L, plan.create.get(0).getSlot());
        assertEquals(plan.create.size(), plan.create.get(plan.create.size() - 1).getSlot(), "the lowest slots first");
    }

    @Test
    void theTaskLimitStopsNewSlotsButNeverAReplacement() {
        Service s = Fixtures.replicated("s", 3, RestartPolicy.getDefaultInstance());
        Task failed = Fixtures.task("a", s, 1, "n1", TaskState.FAILED, T0, T0);
        FreshTasks full = new FreshTasks(0, ENTRY_BYTES);
        Plan plan = ServicePlanner.plan(s, List.of(failed), nodes, factory(), 5, full);
        assertEquals(List.of(1L), plan.create.stream().map(Task::getSlot).toList(), "slot 1's replacement only");
        assertEquals(TaskState.SHUTDOWN, plan.update.get(0).getDesiredState());
        assertTrue(full.outOfTasks());
    }

    @Test
    void aFewLeftMeansThatManyNewSlots() {
        Service s = Fixtures.replicated("s", 10, RestartPolicy.getDefaultInstance());
        FreshTasks fresh = new FreshTasks(4, ENTRY_BYTES);
        Plan plan = ServicePlanner.plan(s, List.of(), nodes, factory(), 5, fresh);
        assertEquals(List.of(1L, 2L, 3L, 4L), plan.create.stream().map(Task::getSlot).toList());
        assertTrue(fresh.outOfTasks());
    }

    @Test
    void aGlobalServiceAndAJobAreBoundedToo() {
        Map<String, Node> many = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            many.put("n" + i, Fixtures.node("n" + i));
        }
        FreshTasks fresh = new FreshTasks(3, ENTRY_BYTES);
        Plan global = ServicePlanner.plan(Fixtures.global("g"), List.of(), many, factory(), 5, fresh);
        assertEquals(3, global.create.size());

        Service job = Fixtures.replicated("j", 1, RestartPolicy.getDefaultInstance()).toBuilder()
                .setSpec(Fixtures.replicated("j", 1, RestartPolicy.getDefaultInstance()).getSpec().toBuilder()
                        .setMode(io.orch.api.proto.ServiceMode.newBuilder().setReplicatedJob(
                                io.orch.api.proto.ReplicatedJob.newBuilder().setMaxConcurrent(1_000_000).setTotalCompletions(50_000_000))))
                .build();
        FreshTasks forJob = new FreshTasks(5, ENTRY_BYTES);
        assertEquals(5, JobPlanner.plan(job, List.of(), nodes, factory(), 5, forJob).create.size());
    }
}
