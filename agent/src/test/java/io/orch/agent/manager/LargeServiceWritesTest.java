package io.orch.agent.manager;

import io.orch.agent.loop.ControlLoop;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.Placement;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.api.proto.UpdateConfig;
import io.orch.raft.ApplyResult;
import io.orch.raft.ForwardingProposer;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.Subscription;
import io.orch.raft.store.WriteTx;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The loops on a service whose tasks weigh about 6 MiB together, more than one transaction may
 * carry (WriteTx.ENTRY_MAX_BYTES): each pass writes a budget's worth and the next pass goes on,
 * where a pass that wrote everything at once was refused by the store again and again. And on
 * tasks at the store's object cap: refused, they hold up nothing else.
 */
class LargeServiceWritesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final int REPLICAS = 150;
    /** Each task about 40 KB: the service's tasks together about 6 MB. */
    private static final String BIG_ENV = "BLOB=" + "x".repeat(40_000);
    private static final int PASSES = 100;

    /** Counts the transactions, and checks none is over the cap (the store refuses such before they get here). */
    private static final class CountingProposer extends ForwardingProposer {
        final AtomicInteger proposals = new AtomicInteger();

        CountingProposer() {
            super(new LocalProposer());
        }

        @Override
        public CompletableFuture<ApplyResult> propose(StoreCommand command) {
            assertTrue(command.getSerializedSize() <= WriteTx.ENTRY_MAX_BYTES);
            proposals.incrementAndGet();
            return super.propose(command);
        }
    }

    private final CountingProposer proposer = new CountingProposer();
    private final ClusterStore store = new ClusterStore(proposer, CLOCK);

    @BeforeEach
    void start() throws Exception {
        store.start();
        ClusterBootstrap.ensureCluster(store, "cluster1");
    }

    private static TaskSpec template(String image) {
        return TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage(image).addEnv(BIG_ENV)).build();
    }

    private void createService(UpdateConfig update) throws Exception {
        Service s = Service.newBuilder().setId("big-id").setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName("big")
                .setTaskTemplate(template("app:1")).setUpdateConfig(update)
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(REPLICAS))))
                .build();
        store.updateAndWait(tx -> tx.create(s));
    }

    /** Passes of {@code loop}, each handed the store events since the last (as its driver does), until {@code done}. */
    private void runUntil(ControlLoop loop, BooleanSupplier done) throws Exception {
        try (Subscription events = store.watch(loop.interest())) {
            loop.begin(CLOCK.instant());
            for (int pass = 0; pass < PASSES; pass++) {
                loop.runOnce(events.pollAll(Duration.ZERO), CLOCK.instant());
                if (done.getAsBoolean()) {
                    return;
                }
            }
        }
        fail(loop.name() + " did not finish in " + PASSES + " passes");
    }

    private long tasks(java.util.function.Predicate<Task> which) {
        return store.read(r -> r.tasksOfService("big-id").stream().filter(which).count());
    }

    private static boolean desiredRunning(Task t) {
        return t.getDesiredState() == TaskState.RUNNING;
    }

    @Test
    void theOrchestratorScalesUpAndDownInTransactionsWithinTheCap() throws Exception {
        createService(UpdateConfig.getDefaultInstance());
        Orchestrator orchestrator = new Orchestrator(store);
        runUntil(orchestrator, () -> tasks(LargeServiceWritesTest::desiredRunning) == REPLICAS);

        int before = proposer.proposals.get();
        store.updateAndWait(tx -> {
            Service s = tx.read().service("big-id").orElseThrow();
            tx.update(s.toBuilder().setSpec(s.getSpec().toBuilder().setMode(ServiceMode.newBuilder()
                    .setReplicated(ReplicatedService.newBuilder().setReplicas(0)))).build());
        });
        runUntil(orchestrator, () -> tasks(LargeServiceWritesTest::desiredRunning) == 0);

        assertTrue(proposer.proposals.get() - before > 2, "the scale-down took several transactions");
    }

    @Test
    void anUpdateOfEverySlotAtOnceIsWrittenInTransactionsWithinTheCap() throws Exception {
        createService(UpdateConfig.newBuilder().setParallelism(0).setOrder(UpdateConfig.Order.STOP_FIRST).build());
        runUntil(new Orchestrator(store), () -> tasks(LargeServiceWritesTest::desiredRunning) == REPLICAS);
        store.updateAndWait(tx -> {
            Service s = tx.read().service("big-id").orElseThrow();
            tx.update(s.toBuilder().setPreviousSpec(s.getSpec())
                    .setSpec(s.getSpec().toBuilder().setTaskTemplate(template("app:2")))
                    .setSpecVersion(2).build());
        });

        runUntil(new Updater(store), () -> tasks(t -> t.getSpec().getContainerSpec().getImage().equals("app:2")) == REPLICAS);

        assertTrue(tasks(t -> t.getSpec().getContainerSpec().getImage().equals("app:1") && desiredRunning(t)) == 0,
                "every old task was told to stop");
    }

    @Test
    void theSchedulerSaysWhyTasksWaitForAnAddressInTransactionsWithinTheCap() throws Exception {
        Network ingress = store.read(IngressNetwork::find).orElseThrow(); // made with the cluster
        TaskSpec onIngress = template("app:1").toBuilder()
                .addNetworks(NetworkAttachmentConfig.newBuilder().setTarget(ingress.getId())).build();
        for (int slot = 1; slot <= REPLICAS; slot += 10) {
            int first = slot;
            store.updateAndWait(tx -> {
                for (int s = first; s < first + 10; s++) {
                    tx.create(Task.newBuilder().setId("task-" + s).setServiceId("big-id").setSlot(s).setSpec(onIngress)
                            .setDesiredState(TaskState.RUNNING)
                            .setStatus(TaskStatus.newBuilder().setState(TaskState.PENDING)).build());
                }
            });
        }

        runUntil(new SchedulerLoop(store),
                () -> tasks(t -> t.getStatus().getErr().startsWith("waiting for an address")) == REPLICAS);
    }

    /** {@code count} pending tasks of service {@code serviceId}, about 40 KB each. */
    private void createPending(String serviceId, int count, TaskSpec spec) throws Exception {
        for (int slot = 1; slot <= count; slot += 10) {
            int first = slot;
            store.updateAndWait(tx -> {
                for (int s = first; s < first + 10 && s <= count; s++) {
                    tx.create(Task.newBuilder().setId(serviceId + "-" + s).setServiceId(serviceId).setSlot(s).setSpec(spec)
                            .setDesiredState(TaskState.RUNNING)
                            .setStatus(TaskStatus.newBuilder().setState(TaskState.PENDING)).build());
                }
            });
        }
    }

    private long placed(String serviceId) {
        return store.read(r -> r.tasksOfService(serviceId).stream().filter(t -> !t.getNodeId().isEmpty()).count());
    }

    @Test
    void theSchedulerPlacesABatchLargerThanATransactionOverSeveralPasses() throws Exception {
        NodeRegistrar.register(store, new NodeRegistrar.Facts("node1", "host1", "127.0.0.1:1", "127.0.0.1:1",
                List.of("runc"), "test"), true);
        createPending("big-id", REPLICAS, template("app:1"));
        int before = proposer.proposals.get();

        runUntil(new SchedulerLoop(store), () -> placed("big-id") == REPLICAS);

        int transactions = proposer.proposals.get() - before;
        assertTrue(transactions >= 3, "6 MB of placements took " + transactions + " transactions of at most 4 MiB");
    }

    @Test
    void tasksThatFitNowhereDoNotHoldUpYoungerTasksBeyondATransaction() throws Exception {
        NodeRegistrar.register(store, new NodeRegistrar.Facts("node1", "host1", "127.0.0.1:1", "127.0.0.1:1",
                List.of("runc"), "test"), true);
        // first in the scheduler's order (the store's clock is fixed, so the tasks are as old as
        // each other and the order falls to the service ID) and together more than a
        // transaction: each pass plans only a transaction's worth
        createPending("a-nowhere", REPLICAS, template("app:1").toBuilder()
                .setPlacement(Placement.newBuilder().addConstraints("node.hostname==elsewhere")).build());
        createPending("big-id", REPLICAS, template("app:1"));

        runUntil(new SchedulerLoop(store), () -> placed("big-id") == REPLICAS);

        assertEquals(0, placed("a-nowhere"));
        assertEquals(REPLICAS, (long) store.read(r -> r.tasksOfService("a-nowhere").stream()
                .filter(t -> t.getStatus().getErr().startsWith("no suitable node")).count()), "every unplaceable task says why");
    }

    /** A task template that makes a service of it exactly {@code bytes} long serialised. */
    private static TaskSpec templateForServiceOf(String id, int bytes) {
        java.util.function.IntFunction<Service> service = pad -> Service.newBuilder().setId(id).setSpecVersion(1)
                .setSpec(ServiceSpec.newBuilder().setName(id).setTaskTemplate(TaskSpec.newBuilder().setContainerSpec(
                        ContainerSpec.newBuilder().setImage("app:1").addEnv("x".repeat(pad))))
                        .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(1))))
                .build();
        int framing = service.apply(500_000).getSerializedSize() - 500_000;
        Service exact = service.apply(bytes - framing);
        assertEquals(bytes, exact.getSerializedSize(), "test setup: the service's size");
        return exact.getSpec().getTaskTemplate();
    }

    private void createReplicated(String id, TaskSpec template) throws Exception {
        store.updateAndWait(tx -> tx.create(Service.newBuilder().setId(id).setSpecVersion(1)
                .setSpec(ServiceSpec.newBuilder().setName(id).setTaskTemplate(template)
                        .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(1))))
                .build()));
    }

    @Test
    void aServiceWhoseTasksAreTooLargeToStoreDoesNotHoldUpTheOthers() throws Exception {
        // the service is at the object cap: its task (the same template, and more) is over it
        createReplicated("at-cap", templateForServiceOf("at-cap", WriteTx.OBJECT_MAX_BYTES));
        createReplicated("small", template("app:1"));
        Orchestrator orchestrator = new Orchestrator(store);

        orchestrator.begin(CLOCK.instant());
        orchestrator.runOnce(List.of(), CLOCK.instant());

        assertEquals(1, (long) store.read(r -> r.tasksOfService("small").size()));
        assertEquals(0, (long) store.read(r -> r.tasksOfService("at-cap").size()));
    }

    @Test
    void aTaskTooLargeOncePlacedStaysPendingSayingWhyAndTheOthersArePlaced() throws Exception {
        NodeRegistrar.register(store, new NodeRegistrar.Facts("node1", "host1", "127.0.0.1:1", "127.0.0.1:1",
                List.of("runc"), "test"), true);
        TaskStatus pending = TaskStatus.newBuilder().setState(TaskState.PENDING).build();
        Task small = Task.newBuilder().setId("small").setServiceId("s1").setSlot(1).setSpec(template("app:1"))
                .setDesiredState(TaskState.RUNNING).setStatus(pending).build();
        // a few bytes under the cap: placing it adds the node and a longer status
        Task nearCap = small.toBuilder().setId("near-cap").setSlot(2).build();
        int framing = nearCap.getSerializedSize() - nearCap.getSpec().getContainerSpec().getEnv(0).length();
        nearCap = nearCap.toBuilder().setSpec(nearCap.getSpec().toBuilder().setContainerSpec(nearCap.getSpec()
                .getContainerSpec().toBuilder().setEnv(0, "x".repeat(WriteTx.OBJECT_MAX_BYTES - 8 - framing)))).build();
        assertTrue(nearCap.getSerializedSize() <= WriteTx.OBJECT_MAX_BYTES, "test setup: " + nearCap.getSerializedSize());
        Task stored = nearCap;
        store.updateAndWait(tx -> tx.create(stored));
        store.updateAndWait(tx -> tx.create(small));
        SchedulerLoop scheduler = new SchedulerLoop(store);

        runUntil(scheduler, () -> store.read(r -> r.task("small").orElseThrow().getNodeId()).equals("node1"));

        Task refused = store.read(r -> r.task("near-cap")).orElseThrow();
        assertEquals("", refused.getNodeId());
        assertTrue(refused.getStatus().getErr().endsWith("one object may be at most 1 MiB"), refused.getStatus().getErr());
    }
}
