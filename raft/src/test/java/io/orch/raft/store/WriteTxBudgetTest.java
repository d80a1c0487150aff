package io.orch.raft.store;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.raft.LocalProposer;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteTxBudgetTest {
    @Test
    void aTransactionCountsTheBytesItCarriesAndSaysWhenItsEntryBudgetIsUsed() throws Exception {
        ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        int[] written = {0};
        long[] beforeLast = {0};
        long[] total = {0};
        store.updateAndWait(tx -> {
            Task first = task(0);
            tx.create(first);
            assertTrue(tx.bytes() > first.getSerializedSize(), "the object and the framing of its action");
            while (!tx.full()) {
                beforeLast[0] = tx.bytes();
                tx.create(task(++written[0]));
            }
            total[0] = tx.bytes();
        });
        assertTrue(total[0] >= WriteTx.ENTRY_BUDGET_BYTES, "full only once the budget is reached");
        assertTrue(beforeLast[0] < WriteTx.ENTRY_BUDGET_BYTES, "and at the first object that reaches it");
        int stored = store.read(r -> r.tasks().size());
        assertEquals(written[0] + 1, stored);
    }

    private static Task task(int i) {
        return Task.newBuilder().setId(String.format("task-%08d", i)).setServiceId("s1").setSlot(i + 1)
                .setDesiredState(TaskState.RUNNING).setNodeId("node-with-a-realistic-id-0123456789").build();
    }
}
