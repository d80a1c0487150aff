package io.orch.agent.manager;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.loop.LoopDriver;
import io.orch.agent.worker.Worker;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.HealthConfig;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.ResourceRequirements;
import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.raft.LocalProposer;
import io.orch.raft.store.ClusterStore;
import io.orch.runtime.RuntimeRegistry;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.runc.RuncRequirements;
import io.orch.runtime.runc.RuncRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manager loops and the worker on one in-memory store with the real runc runtime: OOM kills
 * and failing health checks end up in task status and get the task replaced. Needs root, runc and
 * busybox-static (CI installs them); skips with the reason otherwise.
 */
class RuncServicesTest {
    @TempDir
    Path dataDir;
    private ClusterStore store;
    private LoopDriver orchestrator;
    private LoopDriver scheduler;
    private Worker worker;
    private RuntimeRegistry runtimes;

    @BeforeEach
    void start() throws Exception {
        Optional<String> reason = RuncRequirements.unavailableReason();
        if (reason.isPresent()) {
            System.out.println("SKIPPING runc service tests: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        ImageStore images = new ImageStore(dataDir.resolve("images"));
        images.load(TestImages.busybox().writeDockerArchive(dataDir.resolve("busybox.tar"), "busybox:latest"));
        RuncRuntime runc = new RuncRuntime(dataDir, images);
        store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        ClusterBootstrap.ensureCluster(store, "cluster1");
        NodeRegistrar.register(store, new NodeRegistrar.Facts("node1", "host1", "127.0.0.1:1", "127.0.0.1:1",
                List.of(runc.name()), "test"), true);
        var metrics = new SimpleMeterRegistry();
        orchestrator = new LoopDriver(new Orchestrator(store), store, Clock.systemUTC(), metrics);
        scheduler = new LoopDriver(new SchedulerLoop(store), store, Clock.systemUTC(), metrics);
        runtimes = new RuntimeRegistry(List.of(runc), null);
        worker = new Worker(store, "node1", runtimes, dataDir, Clock.systemUTC(), metrics);
        orchestrator.start();
        scheduler.start();
        worker.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (store == null) {
            return;
        }
        // Remove the services so every container is stopped and deleted before the next test.
        for (Service s : store.read(r -> r.services())) {
            store.updateAndWait(tx -> tx.delete(store.read(r -> r.service(s.getId())).orElseThrow()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> store.read(r -> r.tasks()).isEmpty() && worker.supervised() == 0
                && mountsUnder(dataDir) == 0); // containers destroyed, task rootfs unmounted
        worker.close();
        scheduler.close();
        orchestrator.close();
        runtimes.close();
    }

    private static long mountsUnder(Path dir) throws java.io.IOException {
        String prefix = dir.toRealPath().toString();
        return java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].startsWith(prefix)).count();
    }

    private void createService(String name, ContainerSpec container, ResourceSet limits) throws Exception {
        Service s = Service.newBuilder().setId(name + "-id").setSpecVersion(1).setSpec(ServiceSpec.newBuilder().setName(name)
                .setTaskTemplate(TaskSpec.newBuilder().setContainerSpec(container)
                        .setResources(ResourceRequirements.newBuilder().setLimits(limits)))
                .setMode(ServiceMode.newBuilder().setReplicated(ReplicatedService.newBuilder().setReplicas(1))))
                .build();
        store.updateAndWait(tx -> tx.create(s));
    }

    private List<Task> tasks(String serviceId) {
        return store.read(r -> r.tasksOfService(serviceId));
    }

    @Test
    void aMemoryHogIsOomKilledReportedFailedWithReasonOomAndRestarted() throws Exception {
        createService("hog", ContainerSpec.newBuilder().setImage("busybox")
                        .addCommand("dd").addArgs("if=/dev/zero").addArgs("of=/dev/null").addArgs("bs=64M").build(),
                ResourceSet.newBuilder().setMemoryBytes(32L << 20).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks("hog-id").stream()
                .anyMatch(t -> t.getStatus().getState() == TaskState.FAILED));
        Task failed = tasks("hog-id").stream().filter(t -> t.getStatus().getState() == TaskState.FAILED).findFirst().orElseThrow();
        assertTrue(failed.getStatus().getErr().contains("OOM"), failed.getStatus().getErr());
        assertEquals(137, failed.getStatus().getContainerStatus().getExitCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks("hog-id").size() >= 2); // restarted per policy
    }

    @Test
    void aFailingHealthCheckMakesTheTaskUnhealthyAndItIsReplaced() throws Exception {
        // Healthy while /tmp/ok exists; the task removes it after a moment.
        createService("sick", ContainerSpec.newBuilder().setImage("busybox")
                .addCommand("sh").addArgs("-c").addArgs("touch /tmp/ok; sleep 2; rm /tmp/ok; sleep 600")
                .setStopGracePeriod(Duration.ofMillis(500).toNanos())
                .setHealthcheck(HealthConfig.newBuilder().addTest("CMD").addTest("test").addTest("-e").addTest("/tmp/ok")
                        .setInterval(Duration.ofMillis(300).toNanos()).setTimeout(Duration.ofSeconds(5).toNanos()).setRetries(2))
                .build(), ResourceSet.getDefaultInstance());
        await().atMost(Duration.ofSeconds(20)).until(() -> tasks("sick-id").stream()
                .anyMatch(t -> t.getStatus().getHealth() == TaskStatus.Health.HEALTHY));
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks("sick-id").stream()
                .anyMatch(t -> t.getStatus().getState() == TaskState.FAILED));
        Task failed = tasks("sick-id").stream().filter(t -> t.getStatus().getState() == TaskState.FAILED).findFirst().orElseThrow();
        assertTrue(failed.getStatus().getErr().contains("unhealthy"), failed.getStatus().getErr());
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks("sick-id").stream()
                .anyMatch(t -> !t.getId().equals(failed.getId()) && t.getStatus().getState() == TaskState.RUNNING));
    }

    @Test
    void secretsAndConfigsAppearAtTheirDockerPathsInsideTheContainer() throws Exception {
        store.updateAndWait(tx -> {
            tx.create(io.orch.api.proto.Secret.newBuilder().setId("sec1").setSpec(io.orch.api.proto.SecretSpec.newBuilder()
                    .setName("db_pass").setData(com.google.protobuf.ByteString.copyFromUtf8("pw"))).build());
            tx.create(io.orch.api.proto.Config.newBuilder().setId("cfg1").setSpec(io.orch.api.proto.ConfigSpec.newBuilder()
                    .setName("app").setData(com.google.protobuf.ByteString.copyFromUtf8("k=v"))).build());
        });
        // exits 0 only when both files hold what the store holds; restart condition none keeps the verdict
        createService("reader", ContainerSpec.newBuilder().setImage("busybox")
                .addCommand("sh").addArgs("-c").addArgs("test \"$(cat /run/secrets/db_pass)\" = pw && test \"$(cat /etc/app.conf)\" = k=v")
                .addSecrets(io.orch.api.proto.SecretReference.newBuilder().setSecretId("sec1").setSecretName("db_pass")
                        .setFile(io.orch.api.proto.FileTarget.newBuilder().setName("db_pass")))
                .addConfigs(io.orch.api.proto.ConfigReference.newBuilder().setConfigId("cfg1").setConfigName("app")
                        .setFile(io.orch.api.proto.FileTarget.newBuilder().setName("/etc/app.conf")))
                .build(), ResourceSet.getDefaultInstance());
        Service s = store.read(r -> r.service("reader-id")).orElseThrow();
        store.updateAndWait(tx -> tx.update(s.toBuilder().setSpec(s.getSpec().toBuilder().setTaskTemplate(
                s.getSpec().getTaskTemplate().toBuilder().setRestartPolicy(io.orch.api.proto.RestartPolicy.newBuilder()
                        .setCondition(io.orch.api.proto.RestartPolicy.Condition.NONE)))).build()));
        await().atMost(Duration.ofSeconds(30)).until(() -> tasks("reader-id").stream()
                .anyMatch(t -> t.getStatus().getState().getNumber() >= TaskState.COMPLETE.getNumber()));
        Task done = tasks("reader-id").stream()
                .filter(t -> t.getStatus().getState().getNumber() >= TaskState.COMPLETE.getNumber()).findFirst().orElseThrow();
        assertEquals(TaskState.COMPLETE, done.getStatus().getState(), done.getStatus().getErr());
    }
}
