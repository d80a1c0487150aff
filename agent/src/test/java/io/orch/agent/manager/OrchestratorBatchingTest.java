package io.orch.agent.manager;

import io.orch.raft.store.WriteTx;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.scheduler.orchestrator.Plan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrchestratorBatchingTest {
    private static Task task(String id, long slot) {
        return Task.newBuilder().setId(id).setSlot(slot).setDesiredState(TaskState.RUNNING).build();
    }

    @Test
    void smallPlansAreWrittenWhole() {
        Plan plan = new Plan();
        plan.create.add(task("a", 1));
        assertSame(plan.create, Orchestrator.boundedCreates(plan));
    }

    @Test
    void bigScaleUpsAreSplitButReplacementsStayWithTheirRetiredTask() {
        Plan plan = new Plan();
        int perTask = task("new1", 1).getSerializedSize();
        int total = WriteTx.ENTRY_BUDGET_BYTES / perTask + 100;
        for (int slot = 1; slot <= total; slot++) {
            plan.create.add(task("new" + slot, slot));
        }
        // slot `total` is a restart: its old task is retired in this same plan
        plan.update.add(task("old", total).toBuilder().setNodeId("n1").setDesiredState(TaskState.SHUTDOWN).build());
        List<Task> creates = Orchestrator.boundedCreates(plan);
        long fresh = creates.stream().filter(t -> t.getSlot() != total).mapToLong(Task::getSerializedSize).sum();
        assertTrue(creates.size() < total, "split: " + creates.size() + " of " + total);
        assertTrue(fresh >= WriteTx.ENTRY_BUDGET_BYTES && fresh < WriteTx.ENTRY_BUDGET_BYTES + 2L * perTask,
                "new tasks fill the entry budget and stop there: " + fresh + " bytes");
        assertTrue(creates.stream().anyMatch(t -> t.getSlot() == total), "the replacement is never deferred");
    }
}
