package io.orch.agent.worker;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreException;
import io.orch.raft.store.WriteTx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that reports more statuses at once than one store entry can carry (here 3,000 failures
 * with a 3,000-character error each, 9 MB) gets them all written, over several entries, where
 * one transaction is refused.
 */
class StatusBatchesTest {
    private static final int TASKS = 3_000;
    private ClusterStore store;
    private final Map<String, TaskStatus> failedAll = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        for (int from = 0; from < TASKS; from += 500) {
            int first = from;
            store.updateAndWait(tx -> {
                for (int i = first; i < first + 500; i++) {
                    tx.create(Task.newBuilder().setId(String.format("t%05d", i)).setNodeId("n1").setDesiredState(TaskState.RUNNING)
                            .setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox")))
                            .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build());
                }
            });
        }
        for (int i = 0; i < TASKS; i++) {
            failedAll.put(String.format("t%05d", i), TaskStatus.newBuilder().setState(TaskState.FAILED)
                    .setErr("task: non-zero exit (1): " + "x".repeat(3_000)).build()); // under the clip
        }
    }

    @AfterEach
    void stop() throws Exception {
        store.proposer().close();
    }

    private long failedInStore() {
        return store.read(r -> r.tasks().stream().filter(t -> t.getStatus().getState() == TaskState.FAILED).count());
    }

    @Test
    void oneTransactionOfThemAllIsRefused() {
        assertThrows(StoreException.class, () -> store.updateAndWait(tx -> failedAll.forEach(tx::updateTaskStatus)),
                "the batch really is over the store's entry cap of " + WriteTx.ENTRY_MAX_BYTES + " bytes");
        assertEquals(0, failedInStore());
    }

    @Test
    void theyAreAllWrittenOverSeveralEntries() throws Exception {
        long before = store.read(r -> r.version());
        StatusBatches.write(store, failedAll).get(30, TimeUnit.SECONDS);
        assertEquals(TASKS, failedInStore());
        assertTrue(store.read(r -> r.version()) - before > 1, "more than one entry");
    }

    @Test
    void theWaitingFormWritesThemAllToo() throws Exception {
        StatusBatches.writeAndWait(store, failedAll, Duration.ofSeconds(10));
        assertEquals(TASKS, failedInStore());
    }

    @Test
    void aHugeErrorTextIsClipped() {
        TaskStatus huge = TaskStatus.newBuilder().setState(TaskState.FAILED).setErr("e".repeat(2_000_000)).build();
        TaskStatus clipped = StatusBatches.clipped(huge);
        assertEquals(StatusBatches.TEXT_MAX_CHARS, clipped.getErr().length());
        assertTrue(clipped.getErr().endsWith("…"));
        assertEquals(TaskState.FAILED, clipped.getState());
    }
}
