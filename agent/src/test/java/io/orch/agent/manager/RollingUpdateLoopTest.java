package io.orch.agent.manager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.UpdateConfig;
import io.orch.api.proto.UpdateStatus;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.fake.FakeRuntime;
import io.orch.scheduler.orchestrator.UpdateStatuses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The update loop with the real orchestrator, scheduler and worker on one in-memory store, and
 * the fake runtime at the runtime seam: rollouts, failures, rollback, pause/resume, availability.
 */
class RollingUpdateLoopTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String ID = "web-id";

    @TempDir
    Path dataDir;
    private final FakeRuntime runtime = new FakeRuntime();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
    private ClusterStore store;
    private LoopDriver orchestrator;
    private LoopDriver updater;
    private LoopDriver scheduler;
    private Worker worker;

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        ClusterBootstrap.ensureCluster(store, "cluster1");
        NodeRegistrar.register(store, new NodeRegistrar.Facts("node1", "host1", "127.0.0.1:1", "127.0.0.1:1",
                List.of(runtime.name()), "test"), true);
        orchestrator = new LoopDriver(new Orchestrator(store), store, Clock.systemUTC(), metrics);
        updater = new LoopDriver(new Updater(store), store, Clock.systemUTC(), metrics);
        scheduler = new LoopDriver(new SchedulerLoop(store), store, Clock.systemUTC(), metrics);
        worker = new Worker(store, "node1", new RuntimeRegistry(List.of(runtime), runtime.name()), dataDir, Clock.systemUTC(), metrics);
        orchestrator.start();
        updater.start();
        scheduler.start();
        worker.start();
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
        worker.close();
        scheduler.close();
        updater.close();
        orchestrator.close();
    }

    // ------------------------------------------------------------------ helpers

    private static UpdateConfig.Builder config(long parallelism, UpdateConfig.Order order) {
        return UpdateConfig.newBuilder().setParallelism(parallelism).setOrder(order)
                .setMonitor(Duration.ofMillis(300).toNanos()).setFailureAction(UpdateConfig.FailureAction.PAUSE);
    }

    private void createService(long replicas, UpdateConfig update) throws Exception {
        Service s = Service.newBuilder().setId(ID).setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName("web")
                .setTaskTemplate(template("app:1"))
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(replicas)))
                .setUpdateConfig(update).setRollbackConfig(update))
                .build();
        store.updateAndWait(tx -> tx.create(s));
        await().atMost(DEADLINE).until(() -> running("app:1") == replicas);
    }

    private static TaskSpec template(String image) {
        return TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage(image).addArgs("sleep").addArgs("100")).build();
    }

    /** What `docker service update --image` does to the store (see ServiceChange). */
    private void updateImage(String image) throws Exception {
        store.updateAndWait(tx -> {
            Service s = tx.read().service(ID).orElseThrow();
            tx.update(s.toBuilder().setPreviousSpec(s.getSpec())
                    .setSpec(s.getSpec().toBuilder().setTaskTemplate(template(image)))
                    .setSpecVersion(s.getSpecVersion() + 1).clearUpdateStatus().build());
        });
    }

    private void changeStatus(java.util.function.UnaryOperator<UpdateStatus> change) throws Exception {
        store.updateAndWait(tx -> {
            Service s = tx.read().service(ID).orElseThrow();
            tx.update(s.toBuilder().setUpdateStatus(change.apply(s.getUpdateStatus())).build());
        });
    }

    private Service service() {
        return store.read(r -> r.service(ID)).orElseThrow();
    }

    private UpdateStatus.State state() {
        return service().getUpdateStatus().getState();
    }

    /** Tasks running in the runtime with this image. */
    private long running(String image) {
        return runtime.runningTaskIds().stream().filter(id -> image.equals(runtime.config(id).image())).count();
    }

    /** Makes every task of {@code image} exit 1 as soon as it runs (a broken release). */
    private void crashOnStart(String image) {
        background.scheduleWithFixedDelay(() -> {
            for (String id : runtime.runningTaskIds()) {
                if (image.equals(runtime.config(id).image())) {
                    runtime.exit(id, 1);
                }
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
    }

    /** Samples the number of running tasks every 100 ms; returns the minimum seen so far. */
    private AtomicInteger sampleAvailability() {
        AtomicInteger min = new AtomicInteger(Integer.MAX_VALUE);
        background.scheduleAtFixedRate(() -> min.accumulateAndGet(runtime.runningTaskIds().size(), Math::min),
                0, 100, TimeUnit.MILLISECONDS);
        return min;
    }

    /**
     * The exact minimum from the runtime's call log after {@code from}: +1 per task started,
     * -1 per task stopped (each counted once), in the order the runtime saw them.
     */
    private int exactMinimumRunning(int initially, int from) {
        int running = initially;
        int min = initially;
        java.util.Set<String> started = new java.util.HashSet<>();
        java.util.Set<String> stopped = new java.util.HashSet<>();
        List<FakeRuntime.Call> calls = runtime.calls();
        for (FakeRuntime.Call c : calls.subList(from, calls.size())) {
            if (c.op().equals("stop") && stopped.add(c.taskId())) {
                running--;
            } else if (c.op().equals("start") && started.add(c.taskId())) {
                running++;
            }
            min = Math.min(min, running);
        }
        return min;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void failingNewTasksWithFailureActionRollbackEndWithThePreviousSpecRunning() throws Exception {
        createService(3, config(1, UpdateConfig.Order.STOP_FIRST).setFailureAction(UpdateConfig.FailureAction.ROLLBACK).build());
        crashOnStart("app:bad");
        updateImage("app:bad");

        await().atMost(DEADLINE).until(() -> state() == UpdateStatus.State.ROLLBACK_COMPLETED);
        Service s = service();
        assertEquals("app:1", s.getSpec().getTaskTemplate().getContainerSpec().getImage());
        assertTrue(s.getUpdateStatus().getMessage().startsWith(
                "rollback completed: update rolled back due to failure or early termination of task "), s.getUpdateStatus().getMessage());
        assertTrue(s.getUpdateStatus().hasCompletedAt());
        await().atMost(DEADLINE).until(() -> running("app:1") == 3 && running("app:bad") == 0);
        List<Task> live = store.read(r -> r.tasksOfService(ID)).stream()
                .filter(t -> t.getDesiredState() == TaskState.RUNNING).toList();
        assertEquals(3, live.size());
        assertTrue(live.stream().allMatch(t -> t.getSpecVersion() == s.getSpecVersion()), "all up to date with the rolled-back spec");
    }

    @Test
    void aRollbackAfterFailureTakesThePublishedPortsBackToThoseOfThePreviousSpec() throws Exception {
        createService(2, config(1, UpdateConfig.Order.STOP_FIRST).setFailureAction(UpdateConfig.FailureAction.ROLLBACK).build());
        crashOnStart("app:bad");
        io.orch.api.proto.PortConfig added = io.orch.api.proto.PortConfig.newBuilder().setTargetPort(80).setPublishedPort(8080)
                .setPublishMode(io.orch.api.proto.PortConfig.PublishMode.INGRESS).build();
        store.updateAndWait(tx -> { // `docker service update --image app:bad --publish-add 8080:80` as the API stores it
            Service s = tx.read().service(ID).orElseThrow();
            ServiceSpec next = s.getSpec().toBuilder().setTaskTemplate(template("app:bad"))
                    .setEndpointSpec(io.orch.api.proto.EndpointSpec.newBuilder().addPorts(added)).build();
            tx.update(s.toBuilder().setPreviousSpec(s.getSpec()).setSpec(next)
                    .setEndpoint(io.orch.api.proto.Endpoint.newBuilder().setSpec(next.getEndpointSpec()).addPorts(added))
                    .setSpecVersion(s.getSpecVersion() + 1).clearUpdateStatus().build());
        });
        await().atMost(DEADLINE).until(() -> state() == UpdateStatus.State.ROLLBACK_COMPLETED);
        assertEquals(List.of(), service().getEndpoint().getPortsList(), "the rolled-back spec publishes nothing: 8080 is free again");
    }

    @Test
    void startFirstNeverDropsBelowTheReplicaCount() throws Exception {
        createService(6, config(2, UpdateConfig.Order.START_FIRST).build());
        int from = runtime.calls().size();
        AtomicInteger sampled = sampleAvailability();
        updateImage("app:2");
        await().atMost(DEADLINE).until(() -> state() == UpdateStatus.State.COMPLETED);
        assertEquals(6, running("app:2"));
        int exact = exactMinimumRunning(6, from);
        System.out.printf("availability start-first 6 replicas parallelism 2: sampled min %d, exact min %d%n", sampled.get(), exact);
        assertTrue(sampled.get() >= 6, "sampled minimum " + sampled.get());
        assertTrue(exact >= 6, "exact minimum " + exact);
    }

    @Test
    void stopFirstNeverDropsBelowReplicasMinusParallelismAndStartsNothingBeforeTheOldStopped() throws Exception {
        createService(6, config(2, UpdateConfig.Order.STOP_FIRST).build());
        int from = runtime.calls().size();
        AtomicInteger sampled = sampleAvailability();
        updateImage("app:2");
        await().atMost(DEADLINE).until(() -> state() == UpdateStatus.State.COMPLETED);
        assertEquals(6, running("app:2"));
        int exact = exactMinimumRunning(6, from);
        System.out.printf("availability stop-first 6 replicas parallelism 2: sampled min %d, exact min %d%n", sampled.get(), exact);
        assertTrue(sampled.get() >= 4, "sampled minimum " + sampled.get());
        assertTrue(exact >= 4, "exact minimum " + exact);

        // per slot: the new task's start comes after the old task's stop
        Map<Long, String> oldBySlot = new HashMap<>();
        Map<String, Long> slotOf = new HashMap<>();
        java.util.Set<String> fresh = new java.util.HashSet<>();
        for (Task t : store.read(r -> r.tasksOfService(ID))) {
            slotOf.put(t.getId(), t.getSlot());
            if (t.getSpec().getContainerSpec().getImage().equals("app:1")) {
                oldBySlot.put(t.getSlot(), t.getId());
            } else {
                fresh.add(t.getId());
            }
        }
        List<FakeRuntime.Call> calls = runtime.calls();
        for (int i = 0; i < calls.size(); i++) {
            FakeRuntime.Call c = calls.get(i);
            if (c.op().equals("start") && fresh.contains(c.taskId())) {
                String old = oldBySlot.get(slotOf.get(c.taskId()));
                boolean stoppedBefore = calls.subList(0, i).stream().anyMatch(p -> p.op().equals("stop") && p.taskId().equals(old));
                assertTrue(stoppedBefore, "slot " + slotOf.get(c.taskId()) + ": new task started before the old one stopped");
            }
        }
    }

    @Test
    void pauseAndResumeInTheMiddleOfAnUpdate() throws Exception {
        createService(4, config(1, UpdateConfig.Order.STOP_FIRST).setDelay(Duration.ofMillis(700).toNanos()).build());
        updateImage("app:2");
        await().atMost(DEADLINE).until(() -> running("app:2") >= 1);
        changeStatus(UpdateStatuses::pausedByUser);
        assertEquals(UpdateStatus.State.PAUSED, state());
        long updated = running("app:2");
        // longer than the delay that would have let the next slot go: nothing new starts
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> running("app:2") == updated && state() == UpdateStatus.State.PAUSED);
        assertTrue(updated < 4);

        changeStatus(s -> UpdateStatuses.resumed(s, Clock.systemUTC().instant()));
        await().atMost(DEADLINE).until(() -> state() == UpdateStatus.State.COMPLETED);
        assertEquals(4, running("app:2"));
        assertEquals(0, running("app:1"));
    }

    @Test
    void theUpdateLoopContinuesWhereItStoppedAfterARestart() throws Exception {
        createService(4, config(1, UpdateConfig.Order.STOP_FIRST).setDelay(Duration.ofMillis(400).toNanos()).build());
        updateImage("app:2");
        await().atMost(DEADLINE).until(() -> running("app:2") >= 1);
        updater.close(); // the manager goes away mid-update
        orchestrator.close();
        long before = running("app:2");
        assertTrue(before < 4);
        assertEquals(UpdateStatus.State.UPDATING, state());

        orchestrator = new LoopDriver(new Orchestrator(store), store, Clock.systemUTC(), metrics);
        updater = new LoopDriver(new Updater(store), store, Clock.systemUTC(), metrics);
        orchestrator.start();
        updater.start();
        await().atMost(DEADLINE).until(() -> state() == UpdateStatus.State.COMPLETED);
        assertEquals(4, running("app:2"));
        long replacedTwice = store.read(r -> r.tasksOfService(ID)).stream().filter(t -> t.getSpecVersion() == 2).count();
        assertEquals(4, replacedTwice, "no slot was updated twice: the new loop picked up where the old one was");
    }

    @Test
    void aFailingUpdateWithFailureActionPauseStopsAndSaysWhy() throws Exception {
        // a delay between slots gives the monitor time to see the crash before the next slot
        createService(3, config(1, UpdateConfig.Order.START_FIRST).setDelay(Duration.ofMillis(500).toNanos()).build());
        crashOnStart("app:bad");
        updateImage("app:bad");
        await().atMost(DEADLINE).until(() -> state() == UpdateStatus.State.PAUSED);
        assertTrue(service().getUpdateStatus().getMessage().startsWith("update paused due to failure or early termination of task "));
        assertFalse(service().getUpdateStatus().hasCompletedAt());
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> running("app:1") == 2);
    }
}
