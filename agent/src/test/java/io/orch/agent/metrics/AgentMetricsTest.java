package io.orch.agent.metrics;

import io.micrometer.core.instrument.Gauge;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The store meters follow the node's role: a switch re-binds them to the new role's store. */
class AgentMetricsTest {
    private final AgentMetrics metrics = new AgentMetrics();

    @Test
    void aRebindReadsTheNewStoreNotTheOneBefore() throws Exception {
        ClusterStore before = storeWithRunningTasks(2);
        ClusterStore after = storeWithRunningTasks(1);

        metrics.bind(before);
        assertEquals(2.0, running().value());

        metrics.unbind(before); // the manager role stops (demotion)...
        metrics.bind(after); // ...and a later one starts on a new replica (promotion)
        assertEquals(1.0, running().value(), "the gauge reads the new role's store");
    }

    @Test
    void aBindReplacesTheGaugesOfAStoreStillBound() throws Exception {
        metrics.bind(storeWithRunningTasks(2));
        metrics.bind(storeWithRunningTasks(3));
        assertEquals(3.0, running().value());
    }

    @Test
    void unbindingRemovesTheGaugesOnlyForTheStoreTheyRead() throws Exception {
        ClusterStore old = storeWithRunningTasks(2);
        ClusterStore current = storeWithRunningTasks(1);
        metrics.bind(old);
        metrics.bind(current);

        metrics.unbind(old); // a late close of an older role leaves the current one's gauges
        assertEquals(1.0, running().value());

        metrics.unbind(current); // a worker-only node has no store to count
        assertNull(metrics.registry().find("orch.tasks").gauge());
    }

    private Gauge running() {
        return metrics.registry().get("orch.tasks").tag("state", "running").gauge();
    }

    private static ClusterStore storeWithRunningTasks(int n) throws IOException, StoreException {
        ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        store.updateAndWait(tx -> {
            for (int i = 0; i < n; i++) {
                tx.create(Task.newBuilder().setId("t" + i).setServiceId("s1").setDesiredState(TaskState.RUNNING)
                        .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build());
            }
        });
        return store;
    }
}
