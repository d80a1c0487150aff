package io.orch.scheduler;

import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.Placement;
import io.orch.api.proto.ResourceRequirements;
import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.scheduler.orchestrator.TaskFactory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerTest {
    private final Scheduler scheduler = new Scheduler();

    private static List<Task> tasks(Service s, int n) {
        AtomicInteger ids = new AtomicInteger();
        TaskFactory f = new TaskFactory(() -> "t" + ids.incrementAndGet(), Instant.EPOCH);
        List<Task> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(f.newTask(s, i, ""));
        }
        return out;
    }

    @Property(tries = 50)
    void spreadsAServiceEvenlyAndNeverOvercommits(@ForAll @IntRange(min = 1, max = 12) int nodeCount,
                                                  @ForAll @IntRange(min = 0, max = 60) int replicas) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(Fixtures.node("n" + i));
        }
        Service s = Fixtures.replicated("s", replicas, RestartPolicy.getDefaultInstance());
        List<io.orch.scheduler.Placement> placements = scheduler.place(tasks(s, replicas), nodes, List.of());
        Map<String, Integer> perNode = new HashMap<>();
        placements.forEach(p -> {
            assertTrue(p.placed());
            perNode.merge(p.nodeId(), 1, Integer::sum);
        });
        int min = nodes.stream().mapToInt(n -> perNode.getOrDefault(n.getId(), 0)).min().orElse(0);
        int max = nodes.stream().mapToInt(n -> perNode.getOrDefault(n.getId(), 0)).max().orElse(0);
        assertTrue(max - min <= 1, "tasks per node differ by at most one: " + perNode);
    }

    @Test
    void reservationsAreNeverOvercommittedWithinABatch() {
        Service s = Fixtures.replicated("s", 5, RestartPolicy.getDefaultInstance());
        s = s.toBuilder().setSpec(s.getSpec().toBuilder().setTaskTemplate(TaskSpec.newBuilder()
                .setResources(ResourceRequirements.newBuilder().setReservations(
                        ResourceSet.newBuilder().setMemoryBytes(400L << 20))))).build();
        List<io.orch.scheduler.Placement> placements = scheduler.place(tasks(s, 5), List.of(Fixtures.node("a"), Fixtures.node("b")), List.of());
        assertEquals(4, placements.stream().filter(io.orch.scheduler.Placement::placed).count(), "2 x 400 MiB fit in 1 GiB per node");
        io.orch.scheduler.Placement last = placements.get(4);
        assertFalse(last.placed());
        assertEquals("no suitable node (insufficient resources on 2 nodes)", last.reason());
    }

    @Test
    void explainsEveryFilterThatRejected() {
        Node drained = Fixtures.node("a").toBuilder().setSpec(NodeSpec.newBuilder().setAvailability(NodeSpec.Availability.DRAIN)).build();
        Node plain = Fixtures.node("b");
        Node eu = Fixtures.node("c").toBuilder().setSpec(NodeSpec.newBuilder().putLabels("zone", "us")).build();
        Service s = Fixtures.replicated("s", 1, RestartPolicy.getDefaultInstance());
        s = s.toBuilder().setSpec(s.getSpec().toBuilder().setTaskTemplate(TaskSpec.newBuilder()
                .setPlacement(Placement.newBuilder().addConstraints("node.labels.zone==eu")))).build();
        var p = scheduler.place(tasks(s, 1), List.of(drained, plain, eu), List.of()).get(0);
        assertEquals("no suitable node (1 node not available (down, paused or drained); "
                + "constraint node.labels.zone==eu not met on 2 nodes)", p.reason());
    }

    @Test
    void aTaskNeedingARuntimeOnlyGoesWhereItWasFingerprinted() {
        Node runcOnly = Fixtures.node("a").toBuilder().clearRuntimes().addRuntimes("runc").build();
        Node withProcess = Fixtures.node("b");
        Service s = Fixtures.replicated("s", 3, RestartPolicy.getDefaultInstance());
        s = s.toBuilder().setSpec(s.getSpec().toBuilder().setTaskTemplate(TaskSpec.newBuilder().setRuntime("process"))).build();
        scheduler.place(tasks(s, 3), List.of(runcOnly, withProcess), List.of())
                .forEach(p -> assertEquals("b", p.nodeId()));
    }

    @Test
    void samePlacementForTheSameInput() {
        List<Node> nodes = List.of(Fixtures.node("x"), Fixtures.node("y"), Fixtures.node("z"));
        Service s = Fixtures.replicated("s", 7, RestartPolicy.getDefaultInstance());
        assertEquals(scheduler.place(tasks(s, 7), nodes, List.of()), scheduler.place(tasks(s, 7), nodes, List.of()));
    }
}
