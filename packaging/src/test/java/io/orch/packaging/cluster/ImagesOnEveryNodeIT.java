package io.orch.packaging.cluster;

import io.orch.packaging.cluster.ClusterFixture.Role;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.image.registry.AuthenticatedRegistry;
import io.orch.runtime.runc.RuncRequirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Images on every node, with the real bin/orch, runc containers and a real registry: a manager
 * sends an image to a worker ({@code orch image load --node w1}) or to all nodes, the worker's own
 * API lists it, a runc service constrained to the worker then runs there; and a service created
 * with {@code docker service create --with-registry-auth} is pulled by the worker from a registry
 * that requires a login.
 */
class ImagesOnEveryNodeIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90); // a deadline, not a goal
    private ClusterFixture cluster;
    @RegisterExtension
    final KeepRunOnFailure keepRunOnFailure = new KeepRunOnFailure(() -> cluster);
    private AgentNode m1;
    private AgentNode w1;

    @BeforeEach
    void start() throws Exception {
        Optional<String> missing = RuncRequirements.unavailableReason().or(TestImages::unavailableReason);
        assumeTrue(missing.isEmpty(), () -> missing.get());
        cluster = new ClusterFixture("images", new PortBlocks(23500, 23580, true)).runtime("runc");
        m1 = cluster.init("m1", NodeHost.LOOPBACK);
        w1 = cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private OrchBinary.Result orch(AgentNode via, String... args) throws Exception {
        return OrchBinary.cli(via.host.commandPrefix(), via.apiPort(), args);
    }

    /** A runc service of one busybox task on w1. */
    private void createServiceOnW1(String name, String image) {
        var spec = NodeApi.JSON.createObjectNode();
        spec.put("Name", name);
        var template = spec.putObject("TaskTemplate");
        template.putObject("ContainerSpec").put("Image", image).putArray("Args").add("sleep").add("1000");
        template.putObject("Placement").putArray("Constraints").add("node.hostname==w1");
        spec.putObject("Mode").putObject("Replicated").put("Replicas", 1);
        NodeApi.Reply r = m1.api.call("POST", "/services/create", spec.toString());
        assertTrue(r.ok(), r.toString());
    }

    private void awaitRunningOnW1(String service) {
        String w1Id = m1.api.node("w1").orElseThrow().id();
        await(service + " runs on w1").atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            List<TaskView> running = TaskView.running(m1.api, service);
            assertEquals(1, running.size(), "tasks: " + TaskView.of(m1.api, service));
            assertEquals(w1Id, running.get(0).nodeId());
        });
    }

    @Test
    void anImageLoadedOnTheWorkerThroughTheManagerRunsThere() throws Exception {
        Path tar = TestImages.busybox().writeDockerArchive(cluster.root.resolve("busybox.tar"), "busybox:latest");
        NodeApi.Reply before = w1.api.call("GET", "/images/json", null);
        assertEquals(200, before.status(), "the worker serves its own image list: " + before);
        assertFalse(before.body().contains("busybox"), before.body());

        OrchBinary.Result load = orch(m1, "image", "load", "--node", "w1", "-i", tar.toString());
        assertEquals(0, load.exit(), load.toString());
        assertEquals("w1: Loaded image: busybox:latest\n", load.out());

        OrchBinary.Result ls = orch(w1, "image", "ls");
        assertEquals(0, ls.exit(), ls.toString());
        assertTrue(ls.out().contains("busybox"), "orch -H WORKER image ls: " + ls.out());
        assertFalse(orch(m1, "image", "ls").out().contains("busybox"), "only w1 was asked to load it");

        createServiceOnW1("on-w1", "busybox:latest");
        awaitRunningOnW1("on-w1");

        Path other = TestImages.busybox().writeDockerArchive(cluster.root.resolve("everywhere.tar"), "everywhere:1");
        OrchBinary.Result all = orch(m1, "image", "load", "--all-nodes", "-i", other.toString());
        assertEquals(0, all.exit(), all.toString());
        assertTrue(all.out().contains("m1: Loaded image: everywhere:1\n"), all.out());
        assertTrue(all.out().contains("w1: Loaded image: everywhere:1\n"), all.out());
        assertTrue(orch(m1, "image", "ls").out().contains("everywhere"));
        assertTrue(orch(w1, "image", "ls").out().contains("everywhere"));
    }

    @Test
    void aServiceCreatedWithRegistryAuthIsPulledByTheWorker() throws Exception {
        Optional<String> missing = AuthenticatedRegistry.missingTools().or(ImagesOnEveryNodeIT::dockerMissing);
        assumeTrue(missing.isEmpty(), () -> missing.get());
        String password = "it-Pw-" + System.nanoTime();
        try (AuthenticatedRegistry registry = new AuthenticatedRegistry(cluster.root.resolve("registry"), "alice", password,
                "127.0.0.1:23590")) {
            Path oci = TestImages.busybox().writeOciArchive(cluster.root.resolve("busybox-oci.tar"), "1.0");
            String ref = registry.push(oci, "private/busybox:1.0");
            Path dockerConfig = Files.createDirectories(cluster.root.resolve("docker-config"));
            String host = "tcp://127.0.0.1:" + m1.apiPort();

            String login = docker(host, dockerConfig, password, "login", registry.address, "-u", "alice", "--password-stdin");
            assertTrue(login.contains("Login Succeeded"), login);
            docker(host, dockerConfig, null, "service", "create", "--detach", "--with-registry-auth", "--no-resolve-image",
                    "--name", "private", "--constraint", "node.hostname==w1", ref, "sleep", "1000");
            awaitRunningOnW1("private");
            assertTrue(orch(w1, "image", "ls").out().contains("private/busybox"), "w1 pulled it");

            String inspect = docker(host, dockerConfig, null, "service", "inspect", "private");
            assertFalse(inspect.contains(password), inspect);
            assertFalse(inspect.contains("PullOptions"), inspect);
            for (Path log : List.of(m1.dataDir, w1.dataDir)) {
                try (var files = Files.walk(log)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                        assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(password), f + " has the password");
                    }
                }
            }
        }
    }

    private static Optional<String> dockerMissing() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, "docker"))) {
                return Optional.empty();
            }
        }
        return Optional.of("the docker CLI is not installed");
    }

    /** The docker CLI against an agent, with its own config directory (where docker login keeps the login). */
    private static String docker(String host, Path config, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker", "--config", config.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", host);
        Path out = Files.createTempFile(config, "docker", ".out");
        Process p = pb.redirectOutput(out.toFile()).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker " + List.of(args) + " finished");
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), "docker " + List.of(args) + ": " + text);
        return text;
    }
}
