package io.orch.agent.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The stock docker CLI (if installed) against the real server on loopback TCP. */
class DockerCliTest {
    private static final Path DOCKER = Path.of("/usr/local/bin/docker");

    private final ApiFixture fixture = new ApiFixture();
    private final ApiServer server = new ApiServer(fixture.context);
    private InetSocketAddress address;
    @TempDir
    Path dockerConfig;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(DOCKER), "docker CLI not installed at " + DOCKER);
        address = server.startTcp("127.0.0.1:0");
        String id = fixture.createService("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox:latest\"}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":3}},\"EndpointSpec\":{\"Ports\":[{\"Protocol\":\"tcp\","
                + "\"TargetPort\":80,\"PublishedPort\":8080,\"PublishMode\":\"ingress\"}]}}");
        fixture.addTask(ServiceRoutesTest.task("t1aaaaaaaaaaaaaaaaaaaaaaa", id, ApiFixture.SELF,
                io.orch.api.proto.TaskState.RUNNING, io.orch.api.proto.TaskState.RUNNING));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        fixture.close();
    }

    @Test
    void serviceLsListsTheService() throws Exception {
        Result r = docker("service", "ls");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("web"), r.toString());
        assertTrue(r.out.contains("replicated"), r.toString());
        assertTrue(r.out.contains("1/3"), r.toString());
        assertTrue(r.out.contains("busybox:latest"), r.toString());
        assertTrue(r.out.contains("*:8080->80/tcp"), r.toString());
    }

    @Test
    void nodeLsListsTheNodeAndMarksSelf() throws Exception {
        Result r = docker("node", "ls");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains(ApiFixture.SELF + " *"), r.toString());
        assertTrue(r.out.contains("host1"), r.toString());
        assertTrue(r.out.contains("Ready"), r.toString());
        assertTrue(r.out.contains("Leader"), r.toString());
    }

    @Test
    void serviceInspectAndPsAndErrors() throws Exception {
        Result inspect = docker("service", "inspect", "--pretty", "web");
        assertEquals(0, inspect.exit, inspect.toString());
        assertTrue(inspect.out.contains("Replicas:\t3") || inspect.out.contains("Replicas:"), inspect.toString());

        Result ps = docker("service", "ps", "web");
        assertEquals(0, ps.exit, ps.toString());
        assertTrue(ps.out.contains("web.1"), ps.toString());
        assertTrue(ps.out.contains("host1"), ps.toString());
        assertTrue(ps.out.contains("Running"), ps.toString());

        Result missing = docker("service", "inspect", "nosuch");
        assertEquals(1, missing.exit, missing.toString());
        assertTrue(missing.err.contains("nosuch"), missing.toString());
    }

    @Test
    void swarmUpdateSendsTheShownSpecBackAndItIsAccepted() throws Exception {
        Result r = docker("swarm", "update", "--task-history-limit", "7");
        assertEquals(0, r.exit, r.toString());
        assertEquals(7, fixture.store.read(tx -> tx.cluster()).orElseThrow().getSpec().getOrchestration()
                .getTaskHistoryRetentionLimit());
    }

    @Test
    void infoShowsTheRealCertificateExpiryAndRaftTicks() throws Exception {
        Result r = docker("info");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("Expiry Duration: 3 months"), "90 days, not zero: " + r);
        assertTrue(r.out.contains("Election Tick: 2"), r.toString());
        assertTrue(r.out.contains("Heartbeat Tick: 1"), r.toString());
    }

    @Test
    void dockerRunPrintsThatOrchRunsServicesAndPullsNothing() throws Exception {
        Result r = docker("run", "--rm", "busybox", "true");
        assertEquals(125, r.exit, "docker run's exit for a daemon error: " + r);
        assertTrue(r.err.contains("Error response from daemon: " + ContainerRoutes.SERVICES_ONLY), r.toString());
        assertTrue(!r.err.contains("Unable to find image") && !r.out.contains("Pulling"), "no pull was tried: " + r);
    }

    @Test
    void theRoutingMeshAsTheDockerCliSeesIt() throws Exception {
        Result ls = docker("network", "ls");
        assertEquals(0, ls.exit, ls.toString());
        assertTrue(ls.out.matches("(?s).*\\bingress\\s+overlay\\s+swarm\\b.*"), ls.toString());
        Result inspect = docker("network", "inspect", "--format", "{{.Ingress}} {{(index .IPAM.Config 0).Subnet}}", "ingress");
        assertEquals(0, inspect.exit, inspect.toString());
        assertEquals("true 10.0.0.0/24", inspect.out.strip());

        Result second = docker("network", "create", "--driver", "overlay", "--ingress", "mesh2");
        assertEquals(1, second.exit, second.toString());
        assertTrue(second.err.contains("ingress network (") && second.err.contains(") is already present"), second.toString());

        Result taken = docker("service", "create", "-d", "--no-resolve-image", "--name", "other", "--publish", "8080:8000", "busybox");
        assertEquals(1, taken.exit, taken.toString());
        assertTrue(taken.err.contains("port '8080' is already in use by service 'web' ("), taken.toString());
        assertTrue(taken.err.contains(") as an ingress port"), taken.toString());

        Result dynamic = docker("service", "create", "-d", "--no-resolve-image", "--name", "dyn", "--publish", "target=80", "busybox");
        assertEquals(0, dynamic.exit, dynamic.toString());
        Result services = docker("service", "ls", "--filter", "name=dyn");
        assertTrue(services.out.contains("*:30000->80/tcp"), services.toString());
    }

    private Result docker(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(DOCKER.toString(), "-H", "tcp://127.0.0.1:" + address.getPort()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("DOCKER_HOST");
        pb.environment().remove("DOCKER_CONTEXT");
        pb.environment().put("DOCKER_CONFIG", dockerConfig.toString()); // no user config, no credential helpers
        Path out = dockerConfig.resolve("out-" + System.nanoTime());
        Path err = dockerConfig.resolve("err-" + System.nanoTime());
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("docker " + String.join(" ", args) + " did not finish within 30s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    record Result(int exit, String out, String err) {}
}