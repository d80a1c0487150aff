package io.orch.agent.manager;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.raft.store.WriteTx;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundedTaskWritesTest {
    private static final long BUDGET = WriteTx.ENTRY_BUDGET_BYTES;

    private static Task task(String id, long slot) {
        return Task.newBuilder().setId(id).setSlot(slot).setDesiredState(TaskState.RUNNING).build();
    }

    private static Task retired(String id, long slot) {
        return task(id, slot).toBuilder().setNodeId("n1").setDesiredState(TaskState.SHUTDOWN).build();
    }

    /** As many tasks of {@code perTask}'s size as take the budget and then {@code more}. */
    private static int pastTheBudget(int more) {
        return (int) (BUDGET / task("new1", 1).getSerializedSize()) + more;
    }

    @Test
    void smallPlansAreWrittenWhole() {
        List<Task> creates = List.of(task("a", 1));
        List<Task> updates = List.of(retired("b", 2));
        List<Task> deletes = List.of(retired("c", 3));

        BoundedTaskWrites writes = BoundedTaskWrites.of(creates, updates, deletes, BUDGET);

        assertEquals(creates, writes.create());
        assertEquals(updates, writes.update());
        assertEquals(deletes, writes.delete());
        assertFalse(writes.deferred());
    }

    @Test
    void bigScaleUpsAreSplitButReplacementsStayWithTheirRetiredTask() {
        int total = pastTheBudget(100);
        List<Task> creates = new ArrayList<>();
        for (int slot = 1; slot <= total; slot++) {
            creates.add(task("new" + slot, slot));
        }
        // slot `total` is a restart: its old task is retired in this same plan
        List<Task> updates = List.of(retired("old", total));

        BoundedTaskWrites writes = BoundedTaskWrites.of(creates, updates, List.of(), BUDGET);

        assertTrue(writes.deferred());
        assertTrue(writes.create().size() < total, "split: " + writes.create().size() + " of " + total);
        assertTrue(writes.create().stream().anyMatch(t -> t.getSlot() == total), "the replacement is never deferred");
        assertEquals(updates, writes.update());
        assertTrue(writes.bytes() <= BUDGET && writes.bytes() > BUDGET - 2L * task("new1", 1).getSerializedSize(),
                "the writes fill the entry budget and stop there: " + writes.bytes() + " bytes");
    }

    @Test
    void bigScaleDownsAreSplitToo() {
        int total = pastTheBudget(100);
        List<Task> updates = new ArrayList<>();
        for (int slot = 1; slot <= total; slot++) {
            updates.add(retired("old" + slot, slot));
        }

        BoundedTaskWrites writes = BoundedTaskWrites.of(List.of(), updates, List.of(), BUDGET);

        assertTrue(writes.deferred());
        assertEquals(updates.subList(0, writes.update().size()), writes.update(), "in the plan's order");
        assertTrue(writes.bytes() <= BUDGET);
    }

    @Test
    void aSlotIsNeverSplitAndTheFirstIsTakenWhateverItsSize() {
        Task big = task("new1", 1).toBuilder().setServiceId("x".repeat((int) BUDGET)).build();
        List<Task> creates = List.of(big, task("new2", 2));
        List<Task> updates = List.of(retired("old1", 1));

        BoundedTaskWrites writes = BoundedTaskWrites.of(creates, updates, List.of(), BUDGET);

        assertEquals(List.of(big), writes.create(), "every pass makes progress");
        assertEquals(updates, writes.update());
        assertTrue(writes.deferred(), "slot 2 waits for the next pass");
    }

    @Test
    void retiringSlotsGoFirstThenHistoryThenNewSlots() {
        Task history = retired("history", 9).toBuilder().setServiceId("x".repeat((int) BUDGET / 2)).build();
        Task fresh = task("fresh", 8).toBuilder().setServiceId("x".repeat((int) BUDGET / 2)).build();
        Task replacement = task("new7", 7).toBuilder().setServiceId("x".repeat((int) BUDGET / 3)).build();
        List<Task> updates = List.of(retired("old7", 7));

        BoundedTaskWrites writes = BoundedTaskWrites.of(List.of(fresh, replacement), updates, List.of(history), BUDGET);

        assertEquals(List.of(replacement), writes.create());
        assertEquals(updates, writes.update());
        assertEquals(List.of(history), writes.delete());
        assertTrue(writes.deferred(), "the new slot's task waits for the next pass");
    }
}
