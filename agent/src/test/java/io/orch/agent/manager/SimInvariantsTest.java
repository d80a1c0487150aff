package io.orch.agent.manager;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeResources;
import io.orch.api.proto.ResourceRequirements;
import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.gossip.sim.VirtualScheduler;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each invariant of the manager simulation reports a state that breaks it (so the simulation can fail). */
class SimInvariantsTest {
    private ClusterStore store;
    private SimInvariants invariants;
    @TempDir
    Path dataDir;

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        store.updateAndWait(tx -> tx.create(Node.newBuilder().setId("n1").setDescription(NodeDescription.newBuilder()
                .setResources(NodeResources.newBuilder().setNanoCpus(1_000_000_000L).setMemoryBytes(1L << 30))).build()));
        invariants = new SimInvariants(store);
    }

    @AfterEach
    void stop() throws Exception {
        invariants.close();
        store.proposer().close();
    }

    private static Task task(String id, long slot, TaskState state, long nanoCpus) {
        return Task.newBuilder().setId(id).setServiceId("s").setSlot(slot).setNodeId("n1").setSpecVersion(1)
                .setDesiredState(TaskState.RUNNING).setStatus(TaskStatus.newBuilder().setState(state))
                .setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox")).setResources(ResourceRequirements.newBuilder()
                        .setReservations(ResourceSet.newBuilder().setNanoCpus(nanoCpus)))).build();
    }

    @Test
    void aStateThatBreaksNothingPasses() throws Exception {
        store.updateAndWait(tx -> tx.create(task("a", 1, TaskState.RUNNING, 500_000_000L)));
        assertEquals(List.of(), invariants.check(List.of()));
    }

    @Test
    void aStatusMovedBackIsReported() throws Exception {
        store.updateAndWait(tx -> tx.create(task("a", 1, TaskState.RUNNING, 0)));
        Task a = store.read(r -> r.task("a")).orElseThrow();
        store.updateAndWait(tx -> tx.update(a.toBuilder().setStatus(TaskStatus.newBuilder().setState(TaskState.ASSIGNED)).build()));
        List<String> found = invariants.check(List.of());
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("moved back from RUNNING to ASSIGNED"), found.get(0));
    }

    @Test
    void aNodeOverItsReservationsIsReported() throws Exception {
        store.updateAndWait(tx -> {
            tx.create(task("a", 1, TaskState.RUNNING, 600_000_000L));
            tx.create(task("b", 2, TaskState.ASSIGNED, 600_000_000L));
        });
        List<String> found = invariants.check(List.of());
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("node n1 over its resources"), found.get(0));
    }

    @Test
    void twoLiveTasksOfOneSpecInASlotAreReported() throws Exception {
        store.updateAndWait(tx -> {
            tx.create(task("a", 1, TaskState.RUNNING, 0));
            tx.create(task("b", 1, TaskState.PENDING, 0));
        });
        List<String> found = invariants.check(List.of());
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("two live tasks of spec version 1"), found.get(0));
    }

    @Test
    void twoTasksRunningInOneSlotOnTheWorkersAreReported() throws Exception {
        Task a = task("a", 1, TaskState.ASSIGNED, 0);
        Task b = task("b", 1, TaskState.ASSIGNED, 0).toBuilder().setSpecVersion(2).build();
        store.updateAndWait(tx -> {
            tx.create(a);
            tx.create(b);
        });
        VirtualScheduler time = new VirtualScheduler();
        List<String> findings = new ArrayList<>();
        SimNode node = new SimNode("n1", store, time, Clock.systemUTC(), new Random(1), Duration.ZERO, dataDir, findings::add);
        for (int i = 0; i < 5 && node.running().size() < 2; i++) {
            node.tick(java.time.Instant.now()); // the real worker takes both tasks to RUNNING
            time.runFor(Duration.ofMillis(100));
        }
        assertEquals(List.of(), findings);
        assertEquals(java.util.Set.of("a", "b"), node.running().keySet());
        List<String> found = invariants.check(List.of(node));
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("slot s/1 runs 2 tasks"), found.get(0));
    }
}
