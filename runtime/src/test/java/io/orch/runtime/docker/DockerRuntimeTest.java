package io.orch.runtime.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.ExecResult;
import io.orch.runtime.ExitResult;
import io.orch.runtime.Fingerprint;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.net.NetworkState;
import io.orch.runtime.logs.LogFileText;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Real Docker containers on a private dockerd (needs root and docker.io; skips with the reason otherwise). */
class DockerRuntimeTest {
    /** From helper ports range 21500-21599 of this module's tests. */
    static final int PUBLISHED_PORT = 21510;
    @RegisterExtension
    static final PrivateDockerd DOCKERD = new PrivateDockerd();

    @TempDir
    static Path shared;
    static ImageStore images;

    @TempDir
    Path dataDir;
    DockerRuntime runtime;
    DockerEngine engine;
    final List<String> started = new ArrayList<>();

    @BeforeAll
    static void images() throws Exception {
        Optional<String> reason = TestImages.unavailableReason();
        Assumptions.assumeTrue(reason.isEmpty(), () -> "SKIPPING docker tests: " + reason.get());
        images = new ImageStore(shared.resolve("images"));
        images.load(TestImages.busybox().writeDockerArchive(shared.resolve("busybox.tar"), "busybox:latest"));
    }

    @BeforeEach
    void setUp() {
        runtime = new DockerRuntime(DOCKERD.socket(), images);
        engine = new DockerEngine(DOCKERD.socket());
    }

    @AfterEach
    void tearDown() {
        started.forEach(runtime::destroy);
        runtime.close();
        engine.close();
    }

    private TaskConfig task(String image, TaskConfig.Resources limits, String... command) {
        String taskId = "t" + System.nanoTime();
        started.add(taskId);
        TaskConfig.Container c = new TaskConfig.Container(List.of(command), List.of(), false, List.of(), Optional.empty());
        return new TaskConfig(taskId, "web.1." + taskId, image, c.command(), Map.of("GREETING", "hello"), "", "", "web-1",
                limits, Map.of(ContainerConfigs.SWARM_SERVICE_LABEL, "svc1"), dataDir.resolve("tasks").resolve(taskId), c);
    }

    private ExitResult exit(DockerRuntime r, String taskId) throws Exception {
        return r.waitFor(taskId).get(60, TimeUnit.SECONDS);
    }

    @Test
    void fingerprintSaysAvailableWithTheEngineVersion() {
        Fingerprint f = runtime.fingerprint();
        assertTrue(f.available(), f.reason());
        assertTrue(f.attributes().get("docker.version").matches("\\d+\\..*"), f.attributes().toString());
    }

    @Test
    void runsATaskToItsExitCodeAndCapturesItsOutputInTheTaskLogFiles() throws Exception {
        TaskConfig config = task("busybox", TaskConfig.Resources.NONE, "sh", "-c", "echo hello $GREETING; echo oops >&2; exit 3");
        runtime.start(config);
        ExitResult result = exit(runtime, config.taskId());
        assertEquals(3, result.exitCode(), result.toString());
        assertFalse(result.oomKilled());
        assertEquals("hello hello\n", LogFileText.read(config.taskDir().resolve("stdout.log")));
        assertEquals("oops\n", LogFileText.read(config.taskDir().resolve("stderr.log")));
        assertEquals(config.taskDir().resolve("stdout.log"), runtime.logs(config.taskId()).stdout());
    }

    @Test
    void labelsTheContainerWithTaskAndServiceIds() throws Exception {
        TaskConfig config = task("busybox", TaskConfig.Resources.NONE, "sleep", "1000");
        TaskHandle handle = runtime.start(config);
        JsonNode labels = engine.inspectContainer(handle.containerId()).orElseThrow().path("Config").path("Labels");
        assertEquals(config.taskId(), labels.path("orch.task.id").asText());
        assertEquals("svc1", labels.path("orch.service.id").asText());
    }

    @Test
    void stopEndsATaskThatIgnoresSigtermWithSigkillAfterTheGrace() throws Exception {
        TaskConfig config = task("busybox", TaskConfig.Resources.NONE, "sleep", "1000"); // PID 1 ignores SIGTERM
        runtime.start(config);
        assertFalse(runtime.waitFor(config.taskId()).isDone());
        runtime.stop(config.taskId(), Duration.ofSeconds(1), io.orch.runtime.Signal.parse("SIGTERM"));
        ExitResult result = runtime.waitFor(config.taskId()).getNow(null);
        assertTrue(result != null, "stop returned before the task ended");
        assertEquals(137, result.exitCode(), result.toString());
        assertEquals(9, result.signal());
    }

    @Test
    void stopWithAnotherSignalSendsThatSignal() throws Exception {
        TaskConfig config = task("busybox", TaskConfig.Resources.NONE, "sh", "-c", "trap 'exit 42' USR1; while true; do sleep 0.1; done");
        runtime.start(config);
        runtime.stop(config.taskId(), Duration.ofSeconds(20), io.orch.runtime.Signal.parse("SIGUSR1"));
        assertEquals(42, runtime.waitFor(config.taskId()).getNow(null).exitCode());
    }

    @Test
    void appliesMemoryCpuAndPidsLimits() throws Exception {
        TaskConfig config = task("busybox", new TaskConfig.Resources(500_000_000L, 64L * 1024 * 1024, 50), "sleep", "1000");
        TaskHandle handle = runtime.start(config);
        JsonNode host = engine.inspectContainer(handle.containerId()).orElseThrow().path("HostConfig");
        assertEquals(64L * 1024 * 1024, host.path("Memory").asLong());
        assertEquals(500_000_000L, host.path("NanoCpus").asLong());
        assertEquals(50, host.path("PidsLimit").asLong());
    }

    @Test
    void publishesHostModePortsOnTheNode() throws Exception {
        TaskConfig config = task("busybox", TaskConfig.Resources.NONE, "httpd", "-f", "-p", "80", "-h", "/www")
                .withNetwork(new TaskConfig.Network(TaskConfig.Network.Mode.BRIDGE, List.of(
                        new TaskConfig.PublishedPort(TaskConfig.PublishedPort.Protocol.TCP, 80, PUBLISHED_PORT),
                        new TaskConfig.PublishedPort(TaskConfig.PublishedPort.Protocol.TCP, 80, 0))));
        TaskHandle handle = runtime.start(config);
        List<TaskConfig.PublishedPort> ports = NetworkState.publishedPorts(handle);
        assertEquals(2, ports.size(), ports.toString());
        assertTrue(ports.stream().allMatch(p -> p.target() == 80 && p.published() > 0), ports.toString());
        assertTrue(NetworkState.address(handle).orElseThrow().startsWith("10.231."), handle.driverState().toString());
        for (TaskConfig.PublishedPort p : ports) {
            await("httpd answering on host port " + p.published()).atMost(Duration.ofSeconds(20))
                    .ignoreExceptions().until(() -> httpGet(p.published()).contains("hello from orch"));
        }
    }

    @Test
    void hostNetworkTasksShareTheNodeStack() throws Exception {
        TaskConfig config = task("busybox", TaskConfig.Resources.NONE, "httpd", "-f", "-p", "127.0.0.1:" + (PUBLISHED_PORT + 1), "-h", "/www")
                .withNetwork(new TaskConfig.Network(TaskConfig.Network.Mode.HOST, List.of()));
        TaskHandle handle = runtime.start(config);
        assertTrue(NetworkState.address(handle).isEmpty());
        await("httpd on the host's stack").atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> httpGet(PUBLISHED_PORT + 1).contains("hello from orch"));
    }

    private static String httpGet(int port) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void execRunsACommandInTheContainer() throws Exception {
        TaskConfig config = task("busybox", TaskConfig.Resources.NONE, "sleep", "1000");
        runtime.start(config);
        ExecResult ok = runtime.exec(config.taskId(), List.of("sh", "-c", "echo from inside $GREETING; exit 4"), Duration.ofSeconds(20));
        assertEquals(4, ok.exitCode());
        assertEquals("from inside hello\n", ok.output());
        ExecResult slow = runtime.exec(config.taskId(), List.of("sleep", "100"), Duration.ofMillis(500));
        assertTrue(slow.timedOut());
    }

    @Test
    void recoverReattachesToTheRunningContainerWithoutRestartingIt() throws Exception {
        TaskConfig config = task("busybox", TaskConfig.Resources.NONE, "sh", "-c",
                "trap 'echo after; exit 5' USR1; echo before; while true; do sleep 0.1; done");
        TaskHandle handle = runtime.start(config);
        JsonNode before = engine.inspectContainer(handle.containerId()).orElseThrow().path("State");
        runtime.close(); // the agent goes away; the container runs on

        DockerRuntime next = new DockerRuntime(DOCKERD.socket(), images);
        runtime = next;
        assertTrue(next.recover(handle));
        JsonNode after = engine.inspectContainer(handle.containerId()).orElseThrow().path("State");
        assertTrue(after.path("Running").asBoolean());
        assertEquals(before.path("StartedAt").asText(), after.path("StartedAt").asText());
        assertEquals(before.path("Pid").asLong(), after.path("Pid").asLong());
        assertFalse(next.waitFor(config.taskId()).isDone());

        next.stop(config.taskId(), Duration.ofSeconds(20), io.orch.runtime.Signal.parse("SIGUSR1"));
        assertEquals(5, exit(next, config.taskId()).exitCode());
        assertEquals("before\nafter\n", LogFileText.read(config.taskDir().resolve("stdout.log")));
    }

    @Test
    void recoverOfAContainerThatIsGoneReturnsFalse() throws Exception {
        TaskConfig config = task("busybox", TaskConfig.Resources.NONE, "sleep", "1000");
        TaskHandle handle = runtime.start(config);
        runtime.destroy(config.taskId());
        DockerRuntime next = new DockerRuntime(DOCKERD.socket(), images);
        try {
            assertFalse(next.recover(handle));
        } finally {
            next.close();
        }
    }

    @Test
    void loadsTheImageFromTheNodeImageStoreWhenDockerLacksIt() throws Exception {
        String tag = "orch-test/only-in-store:" + System.nanoTime();
        images.load(TestImages.busybox().cmd("sh", "-c", "echo from the store")
                .writeDockerArchive(dataDir.resolve("store-only.tar"), tag));
        assertTrue(engine.inspectImage(tag).isEmpty());

        TaskConfig config = task(tag, TaskConfig.Resources.NONE);
        runtime.start(config);
        assertEquals(0, exit(runtime, config.taskId()).exitCode());
        assertEquals("from the store\n", LogFileText.read(config.taskDir().resolve("stdout.log")));
        String dockerId = engine.inspectImage(tag).orElseThrow().path("Id").asText();
        assertEquals(images.resolve(tag).orElseThrow().id().toString(), dockerId, "same image id in Docker and the store");
    }

    @Test
    void aMissingImageThatCannotBePulledIsAPermanentFailure() {
        TaskConfig config = task("127.0.0.1:1/nowhere/none:1", TaskConfig.Resources.NONE, "true");
        var failure = org.junit.jupiter.api.Assertions.assertThrows(io.orch.runtime.RuntimeFailure.class, () -> runtime.start(config));
        assertFalse(failure.temporary());
        assertTrue(failure.getMessage().contains("pulling it failed"), failure.getMessage());
    }
}
