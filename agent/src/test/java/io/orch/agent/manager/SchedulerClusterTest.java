package io.orch.agent.manager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.GlobalService;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeResources;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Placement;
import io.orch.api.proto.PlacementPreference;
import io.orch.api.proto.Platform;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.ResourceRequirements;
import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.SpreadOver;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.fake.FakeRuntime;
import io.orch.api.model.TaskStates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement across several nodes in one JVM: one store (local proposer), the orchestrator and
 * the scheduler loop, and one worker with its own fake runtime per node. Nodes n1, n2 are in
 * zone a; n3, n4 in zone b.
 */
class SchedulerClusterTest {
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final long GIB = 1L << 30;

    @TempDir
    Path dataDir;
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, FakeRuntime> runtimes = new HashMap<>();
    private ClusterStore store;

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        ClusterBootstrap.ensureCluster(store, "cluster1");
        join("n1", "a");
        join("n2", "a");
        join("n3", "b");
        join("n4", "b");
        startLoop(new LoopDriver(new Orchestrator(store), store, Clock.systemUTC(), metrics));
        startLoop(new LoopDriver(new SchedulerLoop(store), store, Clock.systemUTC(), metrics));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    private void startLoop(LoopDriver loop) {
        running.add(loop);
        loop.start();
    }

    /** Registers a ready node (2 CPUs, 1 GiB) labelled zone=ZONE and starts its worker. */
    private void join(String id, String zone) throws Exception {
        NodeSpec.Builder spec = NodeSpec.newBuilder().setRole(NodeSpec.Role.WORKER).setAvailability(NodeSpec.Availability.ACTIVE);
        if (zone != null) {
            spec.putLabels("zone", zone);
        }
        Node node = Node.newBuilder().setId(id).setSpec(spec)
                .setDescription(NodeDescription.newBuilder().setHostname("host-" + id)
                        .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture("x86_64"))
                        .setResources(NodeResources.newBuilder().setNanoCpus(2_000_000_000L).setMemoryBytes(GIB)))
                .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY))
                .addRuntimes("fake").build();
        store.updateAndWait(tx -> tx.create(node));
        FakeRuntime runtime = new FakeRuntime();
        runtimes.put(id, runtime);
        Worker worker = new Worker(store, id, new RuntimeRegistry(List.of(runtime), runtime.name()),
                dataDir.resolve(id), Clock.systemUTC(), metrics);
        running.add(worker);
        worker.start();
    }

    private void relabel(String id, String zone) throws Exception {
        store.updateAndWait(tx -> {
            Node n = tx.read().node(id).orElseThrow();
            tx.update(n.toBuilder().setSpec(n.getSpec().toBuilder().putLabels("zone", zone)).build());
        });
    }

    private Service create(String name, ServiceMode mode, UnaryOperator<TaskSpec.Builder> template) throws Exception {
        Service s = Service.newBuilder().setId(name + "-id").setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName(name)
                .setTaskTemplate(template.apply(TaskSpec.newBuilder()
                        .setContainerSpec(ContainerSpec.newBuilder().setImage("busybox").addArgs("sleep").addArgs("100"))))
                .setMode(mode))
                .build();
        store.updateAndWait(tx -> tx.create(s));
        return s;
    }

    private static ServiceMode replicas(long n) {
        return ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(n)).build();
    }

    private List<Task> live(String serviceId) {
        return store.read(r -> r.tasksOfService(serviceId)).stream().filter(TaskStates::live).toList();
    }

    private Map<String, Long> runningPerNode(String serviceId) {
        return live(serviceId).stream().filter(t -> t.getStatus().getState() == TaskState.RUNNING)
                .collect(Collectors.groupingBy(Task::getNodeId, TreeMap::new, Collectors.counting()));
    }

    private static long total(Map<String, Long> perNode) {
        return perNode.values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void aZoneSpreadPreferenceSplitsTheServiceEvenly() throws Exception {
        create("web", replicas(6), b -> b.setPlacement(Placement.newBuilder().addPreferences(PlacementPreference.newBuilder()
                .setSpread(SpreadOver.newBuilder().setSpreadDescriptor("node.labels.zone")))));
        await().atMost(DEADLINE).until(() -> total(runningPerNode("web-id")) == 6);
        Map<String, Long> perNode = runningPerNode("web-id");
        assertEquals(3, perNode.getOrDefault("n1", 0L) + perNode.getOrDefault("n2", 0L), "zone a: " + perNode);
        assertEquals(3, perNode.getOrDefault("n3", 0L) + perNode.getOrDefault("n4", 0L), "zone b: " + perNode);
        for (String node : List.of("n1", "n2", "n3", "n4")) {
            assertTrue(perNode.containsKey(node) && !runtimes.get(node).runningTaskIds().isEmpty(), "every node runs some: " + perNode);
        }
    }

    @Test
    void anImpossibleConstraintWaitsWithTheReasonAndStartsWhenANodeIsRelabelled() throws Exception {
        create("eu", replicas(2), b -> b.setPlacement(Placement.newBuilder().addConstraints("node.labels.zone==eu")));
        await().atMost(DEADLINE).until(() -> live("eu-id").size() == 2 && live("eu-id").stream().allMatch(t ->
                t.getStatus().getState() == TaskState.PENDING
                        && t.getStatus().getErr().equals("no suitable node (constraint node.labels.zone==eu not met on 4 nodes)")));

        relabel("n3", "eu");
        await().atMost(DEADLINE).until(() -> runningPerNode("eu-id").equals(Map.of("n3", 2L)));
    }

    @Test
    void anImpossibleConstraintStartsWhenAMatchingNodeJoins() throws Exception {
        create("eu", replicas(2), b -> b.setPlacement(Placement.newBuilder().addConstraints("node.labels.zone==eu")));
        await().atMost(DEADLINE).until(() -> live("eu-id").size() == 2
                && live("eu-id").stream().allMatch(t -> t.getStatus().getState() == TaskState.PENDING));
        join("n5", "eu");
        await().atMost(DEADLINE).until(() -> runningPerNode("eu-id").equals(Map.of("n5", 2L)));
    }

    @Test
    void aGlobalServiceRunsOnEveryEligibleNodeIncludingOnesThatJoinLater() throws Exception {
        create("agent", ServiceMode.newBuilder().setGlobal(GlobalService.getDefaultInstance()).build(),
                b -> b.setPlacement(Placement.newBuilder().addConstraints("node.labels.zone==b")));
        await().atMost(DEADLINE).until(() -> runningPerNode("agent-id").equals(Map.of("n3", 1L, "n4", 1L)));
        join("n5", "b");
        join("n6", "a");
        await().atMost(DEADLINE).until(() -> runningPerNode("agent-id").equals(Map.of("n3", 1L, "n4", 1L, "n5", 1L)));
    }

    @Test
    void aPendingTaskStartsAsSoonAsResourcesAreFreed() throws Exception {
        UnaryOperator<TaskSpec.Builder> halfANode = b -> b.setResources(ResourceRequirements.newBuilder()
                .setReservations(ResourceSet.newBuilder().setMemoryBytes(GIB / 2)));
        Service big = create("big", replicas(8), halfANode);
        await().atMost(DEADLINE).until(() -> total(runningPerNode("big-id")) == 8);
        create("late", replicas(1), halfANode);
        await().atMost(DEADLINE).until(() -> live("late-id").stream().anyMatch(t ->
                t.getStatus().getErr().equals("no suitable node (insufficient memory on 4 nodes)")));

        store.updateAndWait(tx -> {
            Service s = tx.read().service(big.getId()).orElseThrow();
            tx.update(s.toBuilder().setSpec(s.getSpec().toBuilder().setMode(replicas(7))).build());
        });
        await().atMost(DEADLINE).until(() -> total(runningPerNode("late-id")) == 1);
    }

    @Test
    void concurrentSchedulersNeverOvercommitANode() throws Exception {
        // a second scheduler loop on the same store: their batches race and conflict
        startLoop(new LoopDriver(new SchedulerLoop(store), store, Clock.systemUTC(), metrics));
        UnaryOperator<TaskSpec.Builder> quarter = b -> b.setResources(ResourceRequirements.newBuilder()
                .setReservations(ResourceSet.newBuilder().setMemoryBytes(GIB / 4)));
        for (int i = 0; i < 5; i++) {
            create("s" + i, replicas(4), quarter);
        }
        // 4 nodes x 4 quarters = 16 of the 20 tasks fit
        await().atMost(DEADLINE).until(() -> assigned().size() == 16 && pendingWithReason() == 4);
        Map<String, Long> perNode = assigned().stream().collect(Collectors.groupingBy(Task::getNodeId, Collectors.counting()));
        perNode.forEach((node, n) -> assertTrue(n <= 4, node + " holds " + n + " quarter-GiB tasks"));
        assertEquals(4, perNode.size());
    }

    private List<Task> assigned() {
        return store.read(r -> r.tasks()).stream().filter(TaskStates::holdsResources).toList();
    }

    private long pendingWithReason() {
        return store.read(r -> r.tasks()).stream().filter(t -> t.getStatus().getState() == TaskState.PENDING
                && t.getStatus().getErr().equals("no suitable node (insufficient memory on 4 nodes)")).count();
    }
}
