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
        long[] sum = {0};
        long[] last = {0};
        store.updateAndWait(tx -> {
            Task first = task(0);
            tx.create(first);
            assertEquals(first.getSerializedSize(), tx.bytes());
            sum[0] = first.getSerializedSize();
            while (!tx.full()) {
                Task next = task(++written[0]);
                tx.create(next);
                last[0] = next.getSerializedSize();
                sum[0] += last[0];
            }
            assertEquals(sum[0], tx.bytes(), "the bytes of every object written");
        });
        assertTrue(sum[0] >= WriteTx.ENTRY_BUDGET_BYTES, "full only once the budget is reached");
        assertTrue(sum[0] - last[0] < WriteTx.ENTRY_BUDGET_BYTES, "and at the first object that reaches it");
        int stored = store.read(r -> r.tasks().size());
        assertEquals(written[0] + 1, stored);
    }

    private static Task task(int i) {
        return Task.newBuilder().setId(String.format("task-%08d", i)).setServiceId("s1").setSlot(i + 1)
                .setDesiredState(TaskState.RUNNING).setNodeId("node-with-a-realistic-id-0123456789").build();
    }
}
