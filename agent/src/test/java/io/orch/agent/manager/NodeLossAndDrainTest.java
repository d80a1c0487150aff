package io.orch.agent.manager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.cluster.MemberHealth;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeDescription;
import io.orch.api.proto.NodeResources;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Platform;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
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
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks leave a node that gossip declares dead, or that the operator drains, and stay on a
 * paused one: the health loop (gossip faked at its seam), the orchestrator, the scheduler and one
 * worker with a fake runtime per node, on one store. n1 is the leader's own node.
 */
class NodeLossAndDrainTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, FakeRuntime> runtimes = new HashMap<>();
    private final Map<String, Worker> workers = new HashMap<>();
    private final FakeMembership gossip = new FakeMembership();
    private ClusterStore store;

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        ClusterBootstrap.ensureCluster(store, "cluster1");
        for (String id : List.of("n1", "n2", "n3")) {
            join(id);
        }
        startLoop(new LoopDriver(new NodeHealthLoop(store, gossip, "n1"), store, Clock.systemUTC(), metrics));
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

    private void join(String id) throws Exception {
        Node node = Node.newBuilder().setId(id)
                .setSpec(NodeSpec.newBuilder().setRole(NodeSpec.Role.WORKER).setAvailability(NodeSpec.Availability.ACTIVE))
                .setDescription(NodeDescription.newBuilder().setHostname("host-" + id)
                        .setPlatform(Platform.newBuilder().setOs("linux").setArchitecture("x86_64"))
                        .setResources(NodeResources.newBuilder().setNanoCpus(4_000_000_000L).setMemoryBytes(1L << 30)))
                .setStatus(NodeStatus.newBuilder().setState(NodeStatus.State.READY))
                .addRuntimes("fake").build();
        store.updateAndWait(tx -> tx.create(node));
        gossip.set(id, MemberHealth.ALIVE);
        FakeRuntime runtime = new FakeRuntime();
        runtimes.put(id, runtime);
        Worker worker = new Worker(store, id, new RuntimeRegistry(List.of(runtime), runtime.name()),
                dataDir.resolve(id), Clock.systemUTC(), metrics);
        workers.put(id, worker);
        running.add(worker);
        worker.start();
    }

    private void createService(String name, long replicas) throws Exception {
        Service s = Service.newBuilder().setId(name + "-id").setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName(name)
                        .setTaskTemplate(TaskSpec.newBuilder()
                                .setContainerSpec(ContainerSpec.newBuilder().setImage("busybox").addArgs("sleep").addArgs("100")))
                        .setMode(replicas(replicas)))
                .build();
        store.updateAndWait(tx -> tx.create(s));
    }

    private static ServiceMode replicas(long n) {
        return ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(n)).build();
    }

    private void scale(String serviceId, long n) throws Exception {
        store.updateAndWait(tx -> {
            Service s = tx.read().service(serviceId).orElseThrow();
            tx.update(s.toBuilder().setSpec(s.getSpec().toBuilder().setMode(replicas(n))).build());
        });
    }

    private void setAvailability(String nodeId, NodeSpec.Availability availability) throws Exception {
        store.updateAndWait(tx -> {
            Node n = tx.read().node(nodeId).orElseThrow();
            tx.update(n.toBuilder().setSpec(n.getSpec().toBuilder().setAvailability(availability)).build());
        });
    }

    /** Running tasks the orchestrator still wants, per node. */
    private Map<String, Long> runningPerNode(String serviceId) {
        return store.read(r -> r.tasksOfService(serviceId)).stream()
                .filter(t -> TaskStates.live(t) && t.getStatus().getState() == TaskState.RUNNING)
                .collect(Collectors.groupingBy(Task::getNodeId, TreeMap::new, Collectors.counting()));
    }

    private long total(Map<String, Long> perNode) {
        return perNode.values().stream().mapToLong(Long::longValue).sum();
    }

    private void awaitSpreadOverAllThree(String serviceId, long replicas) {
        await().atMost(DEADLINE).until(() -> {
            Map<String, Long> perNode = runningPerNode(serviceId);
            return total(perNode) == replicas && perNode.keySet().containsAll(List.of("n1", "n2", "n3"));
        });
    }

    @Test
    void whenGossipDeclaresANodeDeadItGoesDownAndItsTasksAreReplacedOnTheOthers() throws Exception {
        createService("web", 6);
        awaitSpreadOverAllThree("web-id", 6);

        workers.get("n2").close(); // the machine died: its worker reports nothing any more
        gossip.set("n2", MemberHealth.DEAD);

        await().atMost(DEADLINE).until(() -> store.read(r -> r.node("n2")).orElseThrow().getStatus().getState()
                == NodeStatus.State.DOWN);
        await().atMost(DEADLINE).until(() -> {
            Map<String, Long> perNode = runningPerNode("web-id");
            return total(perNode) == 6 && !perNode.containsKey("n2");
        });
        assertEquals(NodeHealthLoop.DOWN_MESSAGE, store.read(r -> r.node("n2")).orElseThrow().getStatus().getMessage());
        assertTrue(store.read(r -> r.tasksOfNode("n2")).stream().noneMatch(TaskStates::live),
                "the dead node's tasks are all told to shut down");
    }

    @Test
    void drainingANodeMovesItsTasksAwayAndStopsThem() throws Exception {
        createService("web", 6);
        awaitSpreadOverAllThree("web-id", 6);

        setAvailability("n3", NodeSpec.Availability.DRAIN);

        await().atMost(DEADLINE).until(() -> {
            Map<String, Long> perNode = runningPerNode("web-id");
            return total(perNode) == 6 && !perNode.containsKey("n3");
        });
        await().atMost(DEADLINE).until(() -> runtimes.get("n3").runningTaskIds().isEmpty());
        assertEquals(NodeStatus.State.READY, store.read(r -> r.node("n3")).orElseThrow().getStatus().getState(),
                "a drained node is still up");
    }

    @Test
    void aPausedNodeKeepsItsTasksButGetsNoNewOnes() throws Exception {
        createService("web", 3);
        awaitSpreadOverAllThree("web-id", 3);
        List<String> onN3 = List.copyOf(runtimes.get("n3").runningTaskIds());

        setAvailability("n3", NodeSpec.Availability.PAUSE);
        scale("web-id", 9);

        await().atMost(DEADLINE).until(() -> total(runningPerNode("web-id")) == 9);
        assertEquals(1L, runningPerNode("web-id").get("n3"), "the paused node got nothing new: " + runningPerNode("web-id"));
        assertEquals(onN3, List.copyOf(runtimes.get("n3").runningTaskIds()), "and its task kept running");
    }
}
