package io.orch.agent.manager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.Placement;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manager loops and the worker together on one in-memory store, with the fake runtime at
 * the runtime seam: what a single node does, without processes or Raft.
 */
class ControlLoopsTest {
    @TempDir
    Path dataDir;
    private final FakeRuntime runtime = new FakeRuntime();
    private final java.util.concurrent.atomic.AtomicInteger placed = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> events = new java.util.concurrent.ConcurrentHashMap<>();
    private final io.orch.agent.worker.TaskEvents taskEvents = new io.orch.agent.worker.TaskEvents() {
        @Override
        public void started(Task task) {
            count("started");
        }

        @Override
        public void restarted(Task task) {
            count("restarted");
        }

        @Override
        public void stopped(Task task) {
            count("stopped");
        }

        private void count(String event) {
            events.computeIfAbsent(event, e -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        }
    };

    private int events(String event) {
        return events.getOrDefault(event, new java.util.concurrent.atomic.AtomicInteger()).get();
    }
    private ClusterStore store;
    private LoopDriver orchestrator;
    private LoopDriver scheduler;
    private Worker worker;

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        ClusterBootstrap.ensureCluster(store, "cluster1");
        NodeRegistrar.register(store, new NodeRegistrar.Facts("node1", "host1", "127.0.0.1:1", "127.0.0.1:1",
                List.of(runtime.name()), "test"), true);
        var metrics = new SimpleMeterRegistry();
        orchestrator = new LoopDriver(new Orchestrator(store), store, Clock.systemUTC(), metrics);
        scheduler = new LoopDriver(new SchedulerLoop(store, placed::addAndGet), store, Clock.systemUTC(), metrics);
        worker = new Worker(store, "node1", new RuntimeRegistry(List.of(runtime), runtime.name()), dataDir, Clock.systemUTC(), metrics);
        worker.observeTasks(taskEvents);
        orchestrator.start();
        scheduler.start();
        worker.start();
    }

    @AfterEach
    void stop() {
        worker.close();
        scheduler.close();
        orchestrator.close();
    }

    private Service createService(String name, long replicas, List<String> constraints) throws Exception {
        Service s = Service.newBuilder().setId(name + "-id").setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName(name)
                .setTaskTemplate(TaskSpec.newBuilder()
                        .setContainerSpec(ContainerSpec.newBuilder().setImage("busybox").addArgs("sleep").addArgs("100"))
                        .setPlacement(Placement.newBuilder().addAllConstraints(constraints)))
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas))))
                .build();
        store.updateAndWait(tx -> tx.create(s));
        return s;
    }

    private List<Task> running(String serviceId) {
        return store.read(r -> r.tasksOfService(serviceId)).stream()
                .filter(t -> t.getStatus().getState() == TaskState.RUNNING && t.getDesiredState() == TaskState.RUNNING)
                .toList();
    }

    @Test
    void aServiceConvergesAndAFailedTaskIsReplacedInItsSlot() throws Exception {
        createService("web", 3, List.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> running("web-id").size() == 3);
        assertEquals(3, runtime.runningTaskIds().size());

        Task victim = running("web-id").get(0);
        runtime.exit(victim.getId(), 137);
        await().atMost(Duration.ofSeconds(10)).until(() -> running("web-id").size() == 3
                && running("web-id").stream().noneMatch(t -> t.getId().equals(victim.getId())));
        Task failed = store.read(r -> r.task(victim.getId())).orElseThrow();
        assertEquals(TaskState.FAILED, failed.getStatus().getState());
        assertEquals(137, failed.getStatus().getContainerStatus().getExitCode());
        assertEquals("task: non-zero exit (137)", failed.getStatus().getErr());
        assertTrue(running("web-id").stream().anyMatch(t -> t.getSlot() == victim.getSlot()), "same slot refilled");
    }

    /** What the metrics count: placements committed by the scheduler, the worker's starts, restarts and stops. */
    @Test
    void placementsStartsRestartsAndStopsAreReportedAsTheyHappen() throws Exception {
        Service s = createService("web", 2, List.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> running("web-id").size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> events("started") == 2);
        assertEquals(2, placed.get());
        assertEquals(0, events("restarted"));

        runtime.exit(running("web-id").get(0).getId(), 1); // replaced in its slot under the same spec: a restart
        await().atMost(Duration.ofSeconds(10)).until(() -> events("restarted") == 1 && events("started") == 3);
        assertEquals(3, placed.get());

        store.updateAndWait(tx -> tx.delete(store.read(r -> r.service(s.getId())).orElseThrow()));
        await().atMost(Duration.ofSeconds(10)).until(() -> events("stopped") == 2);
        assertEquals(3, events("started"), "stopping starts nothing");
    }

    @Test
    void scalingDownStopsTasksAndRemovingTheServiceLeavesNothing() throws Exception {
        Service s = createService("web", 4, List.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> running("web-id").size() == 4);
        Service read = store.read(r -> r.service(s.getId())).orElseThrow();
        store.updateAndWait(tx -> tx.update(read.toBuilder().setSpec(read.getSpec().toBuilder()
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(1)))).build()));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.runningTaskIds().size() == 1
                && store.read(r -> r.tasksOfService("web-id")).size() == 1);
        store.updateAndWait(tx -> tx.delete(store.read(r -> r.service(s.getId())).orElseThrow()));
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.runningTaskIds().isEmpty()
                && store.read(r -> r.tasks()).isEmpty());
    }

    @Test
    void anUnplaceableTaskExplainsWhyAndStartsWhenANodeFits() throws Exception {
        createService("eu", 1, List.of("node.labels.zone==eu"));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.read(r -> r.tasksOfService("eu-id")).stream()
                .anyMatch(t -> t.getStatus().getState() == TaskState.PENDING));
        Task pending = store.read(r -> r.tasksOfService("eu-id")).get(0);
        assertEquals("no suitable node (constraint node.labels.zone==eu not met on 1 node)", pending.getStatus().getErr());

        var node = store.read(r -> r.node("node1")).orElseThrow();
        store.updateAndWait(tx -> tx.update(node.toBuilder().setSpec(NodeSpec.newBuilder(node.getSpec()).putLabels("zone", "eu")).build()));
        await().atMost(Duration.ofSeconds(10)).until(() -> running("eu-id").size() == 1);
    }

    @Test
    void aTaskThatCannotStartIsRejectedAndRetried() throws Exception {
        runtime.failNextStart(false, "image not found");
        createService("web", 1, List.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> running("web-id").size() == 1);
        assertTrue(store.read(r -> r.tasksOfService("web-id")).stream()
                .anyMatch(t -> t.getStatus().getState() == TaskState.REJECTED && t.getStatus().getErr().contains("image not found")));
    }
}
