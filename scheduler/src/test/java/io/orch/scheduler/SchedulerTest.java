package io.orch.scheduler;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.EngineDescription;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeResources;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.Placement;
import io.orch.api.proto.PlacementPreference;
import io.orch.api.proto.Platform;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.ResourceRequirements;
import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.SpreadOver;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.model.Times;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final Scheduler scheduler = new Scheduler();

    private static Service service(String id, UnaryOperator<TaskSpec.Builder> template) {
        Service s = Fixtures.replicated(id, 0, RestartPolicy.getDefaultInstance());
        return s.toBuilder().setSpec(s.getSpec().toBuilder().setTaskTemplate(template.apply(TaskSpec.newBuilder()))).build();
    }

    private static TaskSpec.Builder reserving(TaskSpec.Builder b, long nanoCpus, long memory) {
        return b.setResources(ResourceRequirements.newBuilder().setReservations(
                ResourceSet.newBuilder().setNanoCpus(nanoCpus).setMemoryBytes(memory)));
    }

    private static Node labelled(String id, String key, String value) {
        Node n = Fixtures.node(id);
        return n.toBuilder().setSpec(n.getSpec().toBuilder().putLabels(key, value)).build();
    }

    private static Map<String, Long> perNode(List<io.orch.scheduler.Placement> placements) {
        return placements.stream().filter(io.orch.scheduler.Placement::placed)
                .collect(Collectors.groupingBy(io.orch.scheduler.Placement::nodeId, TreeMap::new, Collectors.counting()));
    }

    private static Task running(Task t, String node) {
        return t.toBuilder().setNodeId(node).setStatus(t.getStatus().toBuilder().setState(TaskState.RUNNING)).build();
    }

    @Test
    void reservationsAreNeverOvercommittedWithinABatch() {
        Service s = service("s", b -> reserving(b, 0, 400L << 20));
        List<io.orch.scheduler.Placement> placements = scheduler.place(RandomClusters.tasks(s, 5), List.of(Fixtures.node("a"), Fixtures.node("b")), List.of());
        assertEquals(4, placements.stream().filter(io.orch.scheduler.Placement::placed).count(), "2 x 400 MiB fit in 1 GiB per node");
        io.orch.scheduler.Placement last = placements.get(4);
        assertFalse(last.placed());
        assertEquals("no suitable node (insufficient memory on 2 nodes)", last.reason());
    }

    @Test
    void whatLiveTasksReserveIsNotAvailable() {
        Service s = service("s", b -> reserving(b, 1_500_000_000L, 0));
        Task holding = running(RandomClusters.tasks(s, 1).get(0), "a");
        var p = scheduler.place(RandomClusters.tasks(service("t", b -> reserving(b, 1_000_000_000L, 0)), 1),
                List.of(Fixtures.node("a")), List.of(holding)).get(0);
        assertEquals("no suitable node (insufficient cpu on 1 node)", p.reason(), "2 CPUs minus 1.5 reserved");
    }

    @Test
    void explainsMemoryAndConstraintsAsTheIssueShows() {
        List<Node> nodes = new ArrayList<>();
        for (String id : List.of("e1", "e2", "e3")) {
            nodes.add(labelled(id, "zone", "eu"));
        }
        nodes.add(labelled("u1", "zone", "us"));
        nodes.add(Fixtures.node("x"));
        Service s = service("s", b -> reserving(b, 0, 2L << 30)
                .setPlacement(Placement.newBuilder().addConstraints("node.labels.zone==eu")));
        var p = scheduler.place(RandomClusters.tasks(s, 1), nodes, List.of()).get(0);
        assertEquals("no suitable node (insufficient memory on 5 nodes)", p.reason(), "memory is checked first, as in swarmkit");

        Service small = service("s", b -> reserving(b, 0, 2L << 30)
                .setPlacement(Placement.newBuilder().addConstraints("node.labels.zone==eu")));
        List<Node> bigOutsideEu = new ArrayList<>(nodes.subList(0, 3));
        for (Node n : nodes.subList(3, 5)) {
            bigOutsideEu.add(n.toBuilder().setDescription(n.getDescription().toBuilder()
                    .setResources(NodeResources.newBuilder().setNanoCpus(4_000_000_000L).setMemoryBytes(8L << 30))).build());
        }
        assertEquals("no suitable node (insufficient memory on 3 nodes; constraint node.labels.zone==eu not met on 2 nodes)",
                scheduler.place(RandomClusters.tasks(small, 1), bigOutsideEu, List.of()).get(0).reason());
    }

    @Test
    void explainsEveryFilterThatRejected() {
        Node drained = Fixtures.node("a").toBuilder().setSpec(NodeSpec.newBuilder().setAvailability(NodeSpec.Availability.DRAIN)).build();
        Node plain = Fixtures.node("b");
        Node us = labelled("c", "zone", "us");
        Service s = service("s", b -> b.setPlacement(Placement.newBuilder().addConstraints("node.labels.zone==eu")));
        var p = scheduler.place(RandomClusters.tasks(s, 1), List.of(drained, plain, us), List.of()).get(0);
        assertEquals("no suitable node (1 node not available (down, paused or drained); "
                + "constraint node.labels.zone==eu not met on 2 nodes)", p.reason());
    }

    @Test
    void eachConstraintIsExplainedOnItsOwn() {
        Service s = service("s", b -> b.setPlacement(Placement.newBuilder()
                .addConstraints("node.labels.zone==eu").addConstraints("node.role==worker")));
        Node euManager = labelled("a", "zone", "eu").toBuilder().setSpec(NodeSpec.newBuilder()
                .putLabels("zone", "eu").setRole(NodeSpec.Role.MANAGER)).build();
        var p = scheduler.place(RandomClusters.tasks(s, 1), List.of(euManager, Fixtures.node("b")), List.of()).get(0);
        assertEquals("no suitable node (constraint node.labels.zone==eu not met on 1 node; "
                + "constraint node.role==worker not met on 1 node)", p.reason());
    }

    @Test
    void platformAndEngineLabelConstraints() {
        Node arm = Fixtures.node("arm").toBuilder().setDescription(NodeDescription.newBuilder(Fixtures.node("arm").getDescription())
                .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture("aarch64"))
                .setEngine(EngineDescription.newBuilder().putLabels("gpu", "yes"))).build();
        Node x86 = Fixtures.node("x86").toBuilder().setDescription(NodeDescription.newBuilder(Fixtures.node("x86").getDescription())
                .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture("x86_64"))).build();
        List<Node> nodes = List.of(arm, x86);
        Service byArch = service("a", b -> b.setPlacement(Placement.newBuilder().addConstraints("node.platform.arch==aarch64")
                .addConstraints("node.platform.os==Linux")));
        assertEquals(Map.of("arm", 3L), perNode(scheduler.place(RandomClusters.tasks(byArch, 3), nodes, List.of())));
        Service byEngine = service("e", b -> b.setPlacement(Placement.newBuilder().addConstraints("engine.labels.gpu!=yes")));
        assertEquals(Map.of("x86", 2L), perNode(scheduler.place(RandomClusters.tasks(byEngine, 2), nodes, List.of())));
        Service byImage = service("i", b -> b.setPlacement(Placement.newBuilder()
                .addPlatforms(Platform.newBuilder().setOs("linux").setArchitecture("arm64"))));
        assertEquals(Map.of("arm", 2L), perNode(scheduler.place(RandomClusters.tasks(byImage, 2), nodes, List.of())),
                "image platform arm64 matches a node reporting aarch64");
    }

    @Test
    void aHostModePortIsBoundOncePerNode() {
        Service s = service("web", b -> b).toBuilder().setSpec(service("web", b -> b).getSpec().toBuilder()
                .setEndpointSpec(EndpointSpec.newBuilder().addPorts(PortConfig.newBuilder().setTargetPort(80)
                        .setPublishedPort(8080).setPublishMode(PortConfig.PublishMode.HOST)))).build();
        Task alreadyThere = running(RandomClusters.tasks(s, 1).get(0), "a");
        ClusterState state = new ClusterState(List.of(Fixtures.node("a"), Fixtures.node("b"), Fixtures.node("c")), List.of(s));
        state.addLive(alreadyThere);
        List<Task> pending = RandomClusters.tasks(s, 3).stream().map(t -> t.toBuilder().setId("p" + t.getSlot()).build()).toList();
        List<io.orch.scheduler.Placement> placements = scheduler.place(pending, state);
        assertEquals(Map.of("b", 1L, "c", 1L), perNode(placements));
        assertEquals("no suitable node (host-mode port 8080/tcp already in use on 3 nodes)", placements.get(2).reason());
    }

    @Test
    void maxReplicasPerNodeIsHonoured() {
        Service s = service("s", b -> b.setPlacement(Placement.newBuilder().setMaxReplicas(2)));
        List<io.orch.scheduler.Placement> placements = scheduler.place(RandomClusters.tasks(s, 5), List.of(Fixtures.node("a"), Fixtures.node("b")), List.of());
        assertEquals(Map.of("a", 2L, "b", 2L), perNode(placements));
        assertEquals("no suitable node (max replicas per node (2) reached on 2 nodes)", placements.get(4).reason());
    }

    @Test
    void aTaskNeedingARuntimeOnlyGoesWhereItWasFingerprinted() {
        Node runcOnly = Fixtures.node("a").toBuilder().clearRuntimes().addRuntimes("runc").build();
        Service s = service("s", b -> b.setRuntime("process"));
        scheduler.place(RandomClusters.tasks(s, 3), List.of(runcOnly, Fixtures.node("b")), List.of())
                .forEach(p -> assertEquals("b", p.nodeId()));
        assertEquals("no suitable node (runtime process not available on 1 node)",
                scheduler.place(RandomClusters.tasks(s, 1), List.of(runcOnly), List.of()).get(0).reason());
    }

    @Test
    void aSpreadPreferenceSplitsEvenlyAcrossZonesWhateverTheirSize() {
        List<Node> nodes = new ArrayList<>(List.of(labelled("a1", "zone", "a")));
        for (int i = 1; i <= 4; i++) {
            nodes.add(labelled("b" + i, "zone", "b"));
        }
        Service s = service("s", b -> b.setPlacement(Placement.newBuilder().addPreferences(spread("node.labels.zone"))));
        Map<String, Long> counts = perNode(scheduler.place(RandomClusters.tasks(s, 8), nodes, List.of()));
        assertEquals(4L, counts.get("a1"), "zone a (one node) gets half: " + counts);
        for (int i = 1; i <= 4; i++) {
            assertEquals(1L, counts.get("b" + i), "zone b's half is spread over its nodes: " + counts);
        }
    }

    @Test
    void nestedPreferencesSpreadWithinEachOuterGroup() {
        List<Node> nodes = new ArrayList<>();
        for (String zone : List.of("a", "b")) {
            for (String rack : List.of("r1", "r2", "r3")) {
                Node n = labelled(zone + rack, "zone", zone);
                nodes.add(n.toBuilder().setSpec(n.getSpec().toBuilder().putLabels("rack", rack)).build());
            }
        }
        nodes.add(labelled("b-r1-extra", "zone", "b").toBuilder().setSpec(NodeSpec.newBuilder().putLabels("zone", "b").putLabels("rack", "r1")).build());
        Service s = service("s", b -> b.setPlacement(Placement.newBuilder()
                .addPreferences(spread("node.labels.zone")).addPreferences(spread("node.labels.rack"))));
        Map<String, Long> counts = perNode(scheduler.place(RandomClusters.tasks(s, 12), nodes, List.of()));
        long zoneA = counts.entrySet().stream().filter(e -> e.getKey().startsWith("a")).mapToLong(Map.Entry::getValue).sum();
        assertEquals(6, zoneA, "6 per zone: " + counts);
        assertEquals(2L, counts.get("br2"), "2 per rack in zone b: " + counts);
        assertEquals(2L, counts.get("br1") + counts.getOrDefault("b-r1-extra", 0L), "rack r1 of zone b holds 2 over its two nodes: " + counts);
    }

    @Test
    void nodesWithoutTheLabelFormTheirOwnGroup() {
        List<Node> nodes = List.of(labelled("a", "zone", "a"), Fixtures.node("x"), Fixtures.node("y"));
        Service s = service("s", b -> b.setPlacement(Placement.newBuilder().addPreferences(spread("node.labels.zone"))));
        Map<String, Long> counts = perNode(scheduler.place(RandomClusters.tasks(s, 4), nodes, List.of()));
        assertEquals(Map.of("a", 2L, "x", 1L, "y", 1L), counts);
    }

    @Test
    void binpackFillsTheFullestNodeThatFits() {
        Scheduler binpack = new Scheduler(SchedulerOptions.of(Strategy.BINPACK, 7));
        Service other = service("o", b -> reserving(b, 0, 512L << 20));
        Task partlyFull = running(RandomClusters.tasks(other, 1).get(0), "b");
        Service s = service("s", b -> reserving(b, 0, 256L << 20));
        List<Node> nodes = List.of(Fixtures.node("a"), Fixtures.node("b"), Fixtures.node("c"));
        Map<String, Long> counts = perNode(binpack.place(RandomClusters.tasks(s, 4), nodes, List.of(partlyFull)));
        assertEquals(2L, counts.get("b"), "b is filled up first: " + counts);
        assertEquals(2, counts.size(), "then one more node, not all three: " + counts);
        Map<String, Long> spread = perNode(scheduler.place(RandomClusters.tasks(s, 3), nodes, List.of(partlyFull)));
        assertEquals(3, spread.size(), "spread uses every node: " + spread);
    }

    @Test
    void nodesWhereTheServiceRecentlyFailedAreAvoided() {
        Service s = service("s", b -> b);
        List<Node> nodes = List.of(Fixtures.node("a"), Fixtures.node("b"));
        ClusterState state = new ClusterState(nodes, List.of(s));
        List<Task> failures = RandomClusters.tasks(s, 5);
        for (Task f : failures) {
            state.observe(f.toBuilder().setId("f" + f.getSlot()).setNodeId("a").setStatus(f.getStatus().toBuilder()
                    .setState(TaskState.FAILED).setTimestamp(Times.timestamp(NOW.minusSeconds(30)))).build(), NOW);
        }
        Map<String, Long> counts = perNode(scheduler.place(RandomClusters.tasks(s, 3), state));
        assertEquals(Map.of("b", 3L), counts, "five recent failures: a is used only when nothing else fits");

        ClusterState old = new ClusterState(nodes, List.of(s));
        for (Task f : failures) {
            old.observe(f.toBuilder().setNodeId("a").setStatus(f.getStatus().toBuilder()
                    .setState(TaskState.FAILED).setTimestamp(Times.timestamp(NOW.minusSeconds(3600)))).build(), NOW);
        }
        assertEquals(Map.of("a", 1L, "b", 1L), perNode(scheduler.place(RandomClusters.tasks(s, 2), old)), "old failures do not count");

        ClusterState onlyPenalised = new ClusterState(List.of(Fixtures.node("a")), List.of(s));
        for (Task f : failures) {
            onlyPenalised.observe(f.toBuilder().setNodeId("a").setStatus(f.getStatus().toBuilder()
                    .setState(TaskState.REJECTED).setTimestamp(Times.timestamp(NOW))).build(), NOW);
        }
        assertTrue(scheduler.place(RandomClusters.tasks(s, 1), onlyPenalised).get(0).placed(), "still used as a last resort");
    }

    @Test
    void aGlobalTaskIsOnlyCheckedAgainstItsNode() {
        Service g = Fixtures.global("g").toBuilder().setSpec(Fixtures.global("g").getSpec().toBuilder()
                .setTaskTemplate(reserving(TaskSpec.newBuilder(), 0, 2L << 30))).build();
        Task onA = RandomClusters.tasks(g, 1).get(0).toBuilder().setNodeId("a").build();
        Task onGone = onA.toBuilder().setId("gone").setNodeId("zz").build();
        Node big = Fixtures.node("b").toBuilder().setDescription(Fixtures.node("b").getDescription().toBuilder()
                .setResources(NodeResources.newBuilder().setMemoryBytes(8L << 30))).build();
        List<io.orch.scheduler.Placement> ps = scheduler.place(List.of(onA, onGone), List.of(Fixtures.node("a"), big), List.of());
        assertEquals("no suitable node (insufficient memory on 1 node)", ps.get(0).reason());
        assertEquals("no suitable node (node zz is gone)", ps.get(1).reason());
    }

    @Test
    void noNodesAtAll() {
        assertEquals("no suitable node (no nodes in the cluster)",
                scheduler.place(RandomClusters.tasks(service("s", b -> b), 1), List.of(), List.of()).get(0).reason());
    }

    @Test
    void theSeedOnlyChoosesAmongEquals() {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            nodes.add(Fixtures.node(String.format("n%02d", i)));
        }
        Service s = service("s", b -> b);
        List<io.orch.scheduler.Placement> one = new Scheduler(SchedulerOptions.of(Strategy.SPREAD, 1)).place(RandomClusters.tasks(s, 10), nodes, List.of());
        List<io.orch.scheduler.Placement> again = new Scheduler(SchedulerOptions.of(Strategy.SPREAD, 1)).place(RandomClusters.tasks(s, 10), nodes, List.of());
        List<io.orch.scheduler.Placement> other = new Scheduler(SchedulerOptions.of(Strategy.SPREAD, 2)).place(RandomClusters.tasks(s, 10), nodes, List.of());
        assertEquals(one, again);
        assertNotEquals(one, other, "another seed tries the equal nodes in another order");
        assertEquals(10, perNode(other).size(), "but still one task per node");
    }

    @Test
    void candidateLimitIsAboutLog2OfTheClusterSize() {
        assertEquals(2, SchedulerOptions.DEFAULTS.limitFor(1));
        assertEquals(2, SchedulerOptions.DEFAULTS.limitFor(3));
        assertEquals(10, SchedulerOptions.DEFAULTS.limitFor(1000));
        assertEquals(14, SchedulerOptions.DEFAULTS.limitFor(10_000));
        assertEquals(5, new SchedulerOptions(Strategy.SPREAD, 0, 5, 5).limitFor(10_000));
    }

    @Test
    void malformedConstraintLeavesTheTaskPendingWithTheExpression() {
        Service s = service("s", b -> b.setPlacement(Placement.newBuilder().addConstraints("zone=eu")));
        assertEquals("no suitable node (constraint zone=eu not met on 1 node)",
                scheduler.place(RandomClusters.tasks(s, 1), List.of(Fixtures.node("a")), List.of()).get(0).reason());
    }

    private static PlacementPreference spread(String descriptor) {
        return PlacementPreference.newBuilder().setSpread(SpreadOver.newBuilder().setSpreadDescriptor(descriptor)).build();
    }
}
