package io.orch.scheduler;

import io.orch.api.proto.Node;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.scheduler.filter.Constraint;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invariants of placement on random clusters and services (one seed draws the whole scenario). */
class SchedulerPropertiesTest {

    /** A random cluster, some services placed earlier (live tasks), then a batch of several services. */
    private record Scenario(List<Node> nodes, List<Service> services, List<Task> live, List<Task> pending) {
        static Scenario draw(long seed) {
            Random r = new Random(seed);
            List<Node> nodes = RandomClusters.nodes(r, 1 + r.nextInt(25));
            List<Service> services = new ArrayList<>();
            List<Task> live = new ArrayList<>();
            List<Task> pending = new ArrayList<>();
            int count = 1 + r.nextInt(4);
            for (int i = 0; i < count; i++) {
                Service s = RandomClusters.service(r, "s" + i, 0);
                services.add(s);
                pending.addAll(RandomClusters.tasks(s, r.nextInt(40)));
            }
            // an earlier batch, already placed: its tasks hold resources
            Service earlier = RandomClusters.service(r, "old", 0);
            for (Placement p : new Scheduler().place(RandomClusters.tasks(earlier, r.nextInt(30)), nodes, List.of())) {
                if (p.placed()) {
                    live.add(p.task().toBuilder().setNodeId(p.nodeId()).setStatus(p.task().getStatus().toBuilder()
                            .setState(io.orch.api.proto.TaskState.RUNNING)).build());
                }
            }
            return new Scenario(nodes, services, live, pending);
        }
    }

    @Property(tries = 200)
    void noNodesReservationsEverExceedItsCapacity(@ForAll long seed) {
        Scenario sc = Scenario.draw(seed);
        List<Placement> placements = new Scheduler(SchedulerOptions.of(Strategy.values()[(int) Math.floorMod(seed, 2L)], seed))
                .place(sc.pending(), sc.nodes(), sc.live());
        Map<String, long[]> used = new HashMap<>();
        List<Task> all = new ArrayList<>(sc.live());
        placements.stream().filter(Placement::placed).forEach(p -> all.add(p.task().toBuilder().setNodeId(p.nodeId()).build()));
        for (Task t : all) {
            long[] u = used.computeIfAbsent(t.getNodeId(), k -> new long[2]);
            u[0] += t.getSpec().getResources().getReservations().getNanoCpus();
            u[1] += t.getSpec().getResources().getReservations().getMemoryBytes();
        }
        for (Node n : sc.nodes()) {
            long[] u = used.getOrDefault(n.getId(), new long[2]);
            assertTrue(u[0] <= n.getDescription().getResources().getNanoCpus(), "cpu overcommitted on " + n.getId());
            assertTrue(u[1] <= n.getDescription().getResources().getMemoryBytes(), "memory overcommitted on " + n.getId());
        }
    }

    @Property(tries = 200)
    void everyPlacedTaskSatisfiesItsConstraintsAndLandsOnAnAvailableNode(@ForAll long seed) {
        Scenario sc = Scenario.draw(seed);
        Map<String, Node> byId = new HashMap<>();
        sc.nodes().forEach(n -> byId.put(n.getId(), n));
        Map<String, Map<String, Integer>> perNodePerService = new HashMap<>();
        for (Placement p : new Scheduler(SchedulerOptions.of(Strategy.SPREAD, seed)).place(sc.pending(), sc.nodes(), sc.live())) {
            if (!p.placed()) {
                assertTrue(p.reason().startsWith("no suitable node ("), p.reason());
                continue;
            }
            Node n = byId.get(p.nodeId());
            assertEquals(io.orch.api.proto.NodeStatus.State.READY, n.getStatus().getState());
            assertEquals(io.orch.api.proto.NodeSpec.Availability.ACTIVE, n.getSpec().getAvailability());
            for (String c : p.task().getSpec().getPlacement().getConstraintsList()) {
                assertTrue(Constraint.parse(c).matches(n), c + " on " + n.getId());
            }
            int count = perNodePerService.computeIfAbsent(p.nodeId(), k -> new HashMap<>())
                    .merge(p.task().getServiceId(), 1, Integer::sum);
            long max = p.task().getSpec().getPlacement().getMaxReplicas();
            assertTrue(max == 0 || count <= max, "max replicas per node " + max + " on " + n.getId());
        }
    }

    @Property(tries = 200)
    void withNoOtherRuleAServicesTasksPerNodeDifferByAtMostOne(@ForAll long seed,
                                                               @ForAll @IntRange(min = 1, max = 40) int nodeCount,
                                                               @ForAll @IntRange(min = 0, max = 200) int replicas) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(Fixtures.node("n" + i));
        }
        // other services' tasks load the nodes unevenly; they must not skew this service's spread
        Random r = new Random(seed);
        List<Task> live = new ArrayList<>();
        Service other = Fixtures.replicated("other", 0, RestartPolicy.getDefaultInstance());
        for (Task t : RandomClusters.tasks(other, r.nextInt(50))) {
            live.add(t.toBuilder().setNodeId("n" + r.nextInt(nodeCount)).setStatus(t.getStatus().toBuilder()
                    .setState(io.orch.api.proto.TaskState.RUNNING)).build());
        }
        Service s = Fixtures.replicated("s", replicas, RestartPolicy.getDefaultInstance());
        Map<String, Integer> perNode = new HashMap<>();
        for (Placement p : new Scheduler(SchedulerOptions.of(Strategy.SPREAD, seed)).place(RandomClusters.tasks(s, replicas), nodes, live)) {
            assertTrue(p.placed());
            perNode.merge(p.nodeId(), 1, Integer::sum);
        }
        int min = nodes.stream().mapToInt(n -> perNode.getOrDefault(n.getId(), 0)).min().orElse(0);
        int max = nodes.stream().mapToInt(n -> perNode.getOrDefault(n.getId(), 0)).max().orElse(0);
        assertTrue(max - min <= 1, "tasks per node differ by at most one: " + perNode);
    }

    @Property(tries = 100)
    void sameSeedSamePlacement(@ForAll long seed) {
        Scenario sc = Scenario.draw(seed);
        Strategy strategy = Strategy.values()[(int) Math.floorMod(seed, 2L)];
        List<Placement> first = new Scheduler(SchedulerOptions.of(strategy, seed)).place(sc.pending(), sc.nodes(), sc.live());
        // the same input handed over in another order (as a store may list it) changes nothing
        List<Node> reversed = new ArrayList<>(sc.nodes());
        java.util.Collections.reverse(reversed);
        List<Placement> second = new Scheduler(SchedulerOptions.of(strategy, seed)).place(sc.pending(), reversed, sc.live());
        assertEquals(first, second);
    }
}
