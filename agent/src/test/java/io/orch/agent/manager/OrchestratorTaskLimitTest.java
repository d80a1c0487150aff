package io.orch.agent.manager;

import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterLimits;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.TaskSpec;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spec that asks for fifty million replicas (committed before a limit existed, or written past
 * the API) costs the orchestrator one entry budget per pass and stops at the store's ceiling;
 * removing the service still removes everything.
 */
class OrchestratorTaskLimitTest {
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private ClusterStore store;
    private Orchestrator orchestrator;
    private Subscription events;

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.fixed(now, java.time.ZoneOffset.UTC));
        store.start();
        ClusterBootstrap.ensureCluster(store, "limits");
        store.updateAndWait(tx -> {
            Cluster c = tx.read().cluster().orElseThrow();
            tx.update(c.toBuilder().setSpec(c.getSpec().toBuilder().setLimits(ClusterLimits.newBuilder().setMaxTasks(20_000))).build());
        });
        orchestrator = new Orchestrator(store);
        events = store.watch(orchestrator.interest());
        orchestrator.begin(now);
    }

    @AfterEach
    void stop() throws Exception {
        events.close();
        store.proposer().close();
    }

    /** Passes until one changes nothing; returns how many ran. */
    private int runUntilQuiet(int atMost) throws Exception {
        for (int pass = 1; pass <= atMost; pass++) {
            long before = store.read(r -> r.version());
            orchestrator.runOnce(events.pollAll(Duration.ZERO), now);
            if (store.read(r -> r.version()) == before) {
                return pass;
            }
        }
        throw new AssertionError("still writing after " + atMost + " passes");
    }

    @Test
    void fiftyMillionReplicasStopAtTheStoreCeilingAndARemovalClearsThem() throws Exception {
        Service huge = Service.newBuilder().setId("huge0000000000000000000000").setSpecVersion(1)
                .setSpec(ServiceSpec.newBuilder().setName("huge")
                        .setTaskTemplate(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox")))
                        .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(50_000_000)))).build();
        store.updateAndWait(tx -> tx.create(huge));

        int passes = runUntilQuiet(100);
        long ceiling = 20_000 * Orchestrator.STORE_TASKS_PER_LIMIT;
        assertEquals(ceiling, (long) store.read(r -> r.taskCount()), "filled up to the ceiling, no further");
        assertTrue(passes > 2, "over several entries: " + passes + " passes");

        store.updateAndWait(tx -> tx.delete(huge));
        runUntilQuiet(100);
        assertEquals(0, (int) store.read(r -> r.taskCount()), "a removal always gets through");
    }
}
