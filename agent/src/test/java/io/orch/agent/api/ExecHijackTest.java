package io.orch.agent.api;

import io.orch.agent.worker.LocalTask;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.ContainerStatus;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.ContainerIds;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.ExecResult;
import io.orch.runtime.ExecSpec;
import io.orch.runtime.ExitResult;
import io.orch.runtime.Fingerprint;
import io.orch.runtime.InteractiveExec;
import io.orch.runtime.LogFiles;
import io.orch.runtime.ResourceUsage;
import io.orch.runtime.RuntimeCapabilities;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.fake.FakeRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docker exec}'s hijacked connection through the real server on loopback TCP: the
 * {@code 101 UPGRADED} head, then raw bytes both ways (multiplexed output frames, stdin ended
 * by the client's half-close). The container is a local {@code sh} standing in at the runtime seam.
 */
class ExecHijackTest {
    private static final String TASK = "t1";
    private ApiFixture fixture;
    private ApiServer server;

    @AfterEach
    void close() throws Exception {
        if (server != null) {
            server.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Runs the exec's command on the host: enough to carry real bytes through the hijack. */
    private static final class HostShellRuntime implements ContainerRuntime {
        private final FakeRuntime fake = new FakeRuntime();

        @Override public String name() { return "hostshell"; }
        @Override public RuntimeCapabilities capabilities() { return fake.capabilities(); }
        @Override public Fingerprint fingerprint() { return fake.fingerprint(); }
        @Override public TaskHandle start(TaskConfig config) throws RuntimeFailure { return fake.start(config); }
        @Override public CompletableFuture<ExitResult> waitFor(String taskId) { return fake.waitFor(taskId); }
        @Override public void stop(String taskId, Duration grace, io.orch.runtime.Signal signal) { fake.stop(taskId, grace, signal); }
        @Override public void destroy(String taskId) { fake.destroy(taskId); }
        @Override public Optional<TaskHandle> inspect(String taskId) { return fake.inspect(taskId); }
        @Override public ResourceUsage stats(String taskId) { return fake.stats(taskId); }
        @Override public LogFiles logs(String taskId) { return fake.logs(taskId); }
        @Override public ExecResult exec(String taskId, List<String> command, Duration timeout) throws RuntimeFailure {
            return fake.exec(taskId, command, timeout);
        }
        @Override public boolean recover(TaskHandle handle) { return fake.recover(handle); }
        @Override public void close() { fake.close(); }
        @Override public boolean supportsInteractiveExec() { return true; }

        @Override
        public InteractiveExec startExec(String taskId, ExecSpec spec) throws RuntimeFailure {
            try {
                Process p = new ProcessBuilder(spec.command()).start();
                return new InteractiveExec() {
                    @Override public OutputStream stdin() { return p.getOutputStream(); }
                    @Override public InputStream stdout() { return p.getInputStream(); }
                    @Override public InputStream stderr() { return p.getErrorStream(); }
                    @Override public long pid() { return p.pid(); }
                    @Override public CompletableFuture<Integer> exit() { return p.onExit().thenApply(Process::exitValue); }
                    @Override public void resize(int rows, int columns) { }
                    @Override public void close() { p.destroyForcibly(); }
                };
            } catch (IOException e) {
                throw new RuntimeFailure(e.getMessage(), false, e);
            }
        }
    }

    private InetSocketAddress serve() throws Exception {
        Task t = Task.newBuilder().setId(TASK).setServiceId("svc1").setSlot(1).setNodeId("node1")
                .setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox")))
                .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)
                        .setContainerStatus(ContainerStatus.newBuilder().setContainerId(ContainerIds.derived(TASK)).setPid(42)))
                .build();
        LocalTask local = new LocalTask(t, "web", new HostShellRuntime(),
                Optional.of(new TaskHandle(TASK, "hostshell", 42, 0, "orch-" + TASK, Map.of())));
        NodeContainers node = new NodeContainers("node1", () -> List.of(local), null, null, Clock.systemUTC());
        fixture = new ApiFixture(ApiServices.none().withContainers(node));
        server = new ApiServer(fixture.context);
        return server.startTcp("127.0.0.1:0");
    }

    private static String post(InetSocketAddress at, String path, String body) throws IOException {
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String execId(String createAnswer) {
        int i = createAnswer.indexOf("\"Id\":\"");
        assertTrue(i > 0, createAnswer);
        return createAnswer.substring(i + 6, createAnswer.indexOf('"', i + 6));
    }

    @Test
    void stdinReachesTheCommandAndItsOutputComesBackAsFramesAfter101() throws Exception {
        InetSocketAddress at = serve();
        // the client writes and half-closes right after the head: repeated, as that race once lost the bytes
        for (int i = 0; i < 20; i++) {
            execOnce(at);
        }
    }

    private static void execOnce(InetSocketAddress at) throws Exception {
        String container = ContainerIds.derived(TASK);
        String id = execId(post(at, "/v1.47/containers/" + container + "/exec",
                "{\"Cmd\":[\"sh\",\"-c\",\"cat; echo err >&2\"],\"AttachStdin\":true,\"AttachStdout\":true,\"AttachStderr\":true}"));
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(10_000);
            String body = "{\"Detach\":false,\"Tty\":false}";
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1.47/exec/" + id + "/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            DataInputStream in = new DataInputStream(s.getInputStream());
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101 UPGRADED\r\n"), head);
            out.write("hi\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            s.shutdownOutput(); // the CLI's CloseWrite: ends the command's stdin
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            while (true) {
                int type;
                try {
                    type = in.readUnsignedByte();
                } catch (EOFException e) {
                    break;
                }
                in.skipNBytes(3);
                byte[] payload = in.readNBytes(in.readInt());
                (type == 1 ? stdout : stderr).write(payload);
            }
            assertEquals("hi\n", stdout.toString(StandardCharsets.UTF_8));
            assertEquals("err\n", stderr.toString(StandardCharsets.UTF_8));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }
}
