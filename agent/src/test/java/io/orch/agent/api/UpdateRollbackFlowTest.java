package io.orch.agent.api;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.manager.ClusterBootstrap;
import io.orch.agent.manager.NodeRegistrar;
import io.orch.agent.manager.Orchestrator;
import io.orch.agent.manager.SchedulerLoop;
import io.orch.agent.manager.Updater;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.UpdateConfig;
import io.orch.api.proto.UpdateStatus;
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
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The API's update, rollback and pause/resume changes ({@link ServiceChange}) driving the real
 * manager loops and a worker on the fake runtime: what `service update` / `service rollback`
 * / `orch service update --pause|--resume` do end to end, without HTTP.
 */
class UpdateRollbackFlowTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String ID = "web-id";

    @TempDir
    Path dataDir;
    private final FakeRuntime runtime = new FakeRuntime();
    private final Clock clock = Clock.systemUTC();
    private ClusterStore store;
    private List<AutoCloseable> loops;

    @BeforeEach
    void start() throws Exception {
        store = new ClusterStore(new LocalProposer(), clock);
        store.start();
        ClusterBootstrap.ensureCluster(store, "cluster1");
        NodeRegistrar.register(store, new NodeRegistrar.Facts("node1", "host1", "127.0.0.1:1", "127.0.0.1:1",
                List.of(runtime.name()), "test"), true);
        var metrics = new SimpleMeterRegistry();
        LoopDriver orchestrator = new LoopDriver(new Orchestrator(store), store, clock, metrics);
        LoopDriver updater = new LoopDriver(new Updater(store), store, clock, metrics);
        LoopDriver scheduler = new LoopDriver(new SchedulerLoop(store), store, clock, metrics);
        Worker worker = new Worker(store, "node1", new RuntimeRegistry(List.of(runtime), runtime.name()), dataDir, clock, metrics);
        orchestrator.start();
        updater.start();
        scheduler.start();
        worker.start();
        loops = List.of(worker, scheduler, updater, orchestrator);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : loops) {
            c.close();
        }
    }

    private static ServiceSpec spec(String image, long delayMillis) {
        UpdateConfig u = UpdateConfig.newBuilder().setParallelism(1).setDelay(Duration.ofMillis(delayMillis).toNanos())
                .setMonitor(Duration.ofMillis(200).toNanos()).build();
        return ServiceSpec.newBuilder().setName("web")
                .setTaskTemplate(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage(image).addArgs("sleep")))
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(3)))
                .setUpdateConfig(u).setRollbackConfig(u).build();
    }

    private Service service() {
        return store.read(r -> r.service(ID)).orElseThrow();
    }

    private void update(ServiceSpec spec, boolean rollback) throws Exception {
        Service current = service();
        Service next = ServiceChange.updated(current, spec, current.getVersion().getIndex(), rollback, clock.instant());
        store.updateAndWait(tx -> tx.update(next));
    }

    private void action(String action) throws Exception {
        Service current = service();
        Service next = ServiceChange.updateAction(current, action, current.getVersion().getIndex(), clock.instant());
        store.updateAndWait(tx -> tx.update(next));
    }

    private long running(String image) {
        return runtime.runningTaskIds().stream().filter(id -> image.equals(runtime.config(id).image())).count();
    }

    private boolean settled(UpdateStatus.State state, String image) {
        return service().getUpdateStatus().getState() == state && running(image) == 3 && runtime.runningTaskIds().size() == 3;
    }

    @Test
    void aRollbackOfARollbackReturnsToTheNewerSpec() throws Exception {
        store.updateAndWait(tx -> tx.create(ServiceChange.created(ID, spec("app:1", 0))));
        await().atMost(DEADLINE).until(() -> running("app:1") == 3);

        update(spec("app:2", 0), false);
        await().atMost(DEADLINE).until(() -> settled(UpdateStatus.State.COMPLETED, "app:2"));
        assertEquals("update completed", service().getUpdateStatus().getMessage());

        update(service().getSpec(), true);
        await().atMost(DEADLINE).until(() -> settled(UpdateStatus.State.ROLLBACK_COMPLETED, "app:1"));
        assertEquals("rollback completed", service().getUpdateStatus().getMessage());

        update(service().getSpec(), true);
        await().atMost(DEADLINE).until(() -> settled(UpdateStatus.State.ROLLBACK_COMPLETED, "app:2"));
        assertEquals("app:2", service().getSpec().getTaskTemplate().getContainerSpec().getImage());
        assertEquals("app:1", service().getPreviousSpec().getTaskTemplate().getContainerSpec().getImage());
    }

    @Test
    void pauseAndResumeThroughTheApiChange() throws Exception {
        store.updateAndWait(tx -> tx.create(ServiceChange.created(ID, spec("app:1", 800))));
        await().atMost(DEADLINE).until(() -> running("app:1") == 3);
        update(spec("app:2", 800), false);
        await().atMost(DEADLINE).until(() -> running("app:2") == 1);
        action("pause");
        assertEquals(UpdateStatus.State.PAUSED, service().getUpdateStatus().getState());
        assertEquals("update paused on request", service().getUpdateStatus().getMessage());
        await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(5)).until(() -> running("app:2") == 1);
        ApiException twice = assertThrows(ApiException.class, () -> action("pause"));
        assertEquals("service web has no update in progress to pause (update status: paused)", twice.getMessage());

        action("resume");
        await().atMost(DEADLINE).until(() -> settled(UpdateStatus.State.COMPLETED, "app:2"));
    }

    @Test
    void updatingAPausedServiceAgainResumesItAsDockerDoes() throws Exception {
        store.updateAndWait(tx -> tx.create(ServiceChange.created(ID, spec("app:1", 800))));
        await().atMost(DEADLINE).until(() -> running("app:1") == 3);
        update(spec("app:2", 800), false);
        await().atMost(DEADLINE).until(() -> running("app:2") == 1);
        action("pause");
        update(service().getSpec(), false); // `docker service update web` with no change
        await().atMost(DEADLINE).until(() -> settled(UpdateStatus.State.COMPLETED, "app:2"));
    }
}
