package io.orch.agent.api;

import io.orch.api.proto.ManagerStatus;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The stock docker CLI (if installed) against the real server: node ls columns, promote, demote,
 * drain and rm. SELF leads; host3 is a second manager gossip cannot reach; host4 is a worker that is down.
 */
class DockerCliNodeTest {
    private static final Path DOCKER = Path.of("/usr/local/bin/docker");
    private static final String MANAGER2 = "n0de3manager2000000000000";
    private static final String DOWN_WORKER = "n0de4downworker0000000000";

    private final ApiFixture fixture = new ApiFixture(ApiServices.none(), new NodeControl(
            ManagerStatusView.of(() -> Optional.of(ApiFixture.SELF),
                    id -> id.equals(MANAGER2) ? ManagerStatus.Reachability.UNREACHABLE : ManagerStatus.Reachability.REACHABLE),
            RoleChangeHook.NONE));
    private final ApiServer server = new ApiServer(fixture.context);
    private InetSocketAddress address;
    @TempDir
    Path dockerConfig;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(DOCKER), "docker CLI not installed at " + DOCKER);
        fixture.write(tx -> {
            tx.create(ApiFixture.node(ApiFixture.WORKER, "host2", NodeSpec.Role.WORKER, NodeStatus.State.READY));
            tx.create(ApiFixture.node(MANAGER2, "host3", NodeSpec.Role.MANAGER, NodeStatus.State.READY));
            tx.create(ApiFixture.node(DOWN_WORKER, "host4", NodeSpec.Role.WORKER, NodeStatus.State.DOWN));
        });
        address = server.startTcp("127.0.0.1:0");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        fixture.close();
    }

    /** The node ls line of {@code hostname}, columns split on runs of 2+ spaces. */
    private static List<String> row(String table, String hostname) {
        for (String line : table.split("\n")) {
            List<String> cols = List.of(line.trim().split("\\s{2,}"));
            if (cols.contains(hostname)) {
                return cols;
            }
        }
        throw new AssertionError(hostname + " not in\n" + table);
    }

    @Test
    void nodeLsShowsStatusAvailabilityAndManagerStatusAsDockerDoes() throws Exception {
        Result r = docker("node", "ls");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.startsWith("ID") && r.out.contains("STATUS") && r.out.contains("AVAILABILITY")
                && r.out.contains("MANAGER STATUS"), r.out);
        assertEquals(List.of(ApiFixture.SELF + " *", "host1", "Ready", "Active", "Leader", "0.1.0"), row(r.out, "host1"));
        assertEquals(List.of(MANAGER2, "host3", "Ready", "Active", "Unreachable", "0.1.0"), row(r.out, "host3"));
        assertEquals(List.of(ApiFixture.WORKER, "host2", "Ready", "Active", "0.1.0"), row(r.out, "host2"));
        assertEquals(List.of(DOWN_WORKER, "host4", "Down", "Active", "0.1.0"), row(r.out, "host4"));
    }

    @Test
    void promoteDemoteDrainAndRemove() throws Exception {
        Result promote = docker("node", "promote", "host2");
        assertEquals(0, promote.exit, promote.toString());
        assertEquals("Node host2 promoted to a manager in the swarm.\n", promote.out);
        assertEquals(List.of(ApiFixture.WORKER, "host2", "Ready", "Active", "Reachable", "0.1.0"), row(docker("node", "ls").out, "host2"));

        Result demote = docker("node", "demote", "host2");
        assertEquals(0, demote.exit, demote.toString());
        assertEquals("Manager host2 demoted in the swarm.\n", demote.out);

        Result drain = docker("node", "update", "--availability", "drain", "host2");
        assertEquals(0, drain.exit, drain.toString());
        assertEquals(NodeSpec.Availability.DRAIN, fixture.storedNode(ApiFixture.WORKER).getSpec().getAvailability());

        Result notDown = docker("node", "rm", "host2");
        assertEquals(1, notDown.exit, notDown.toString());
        assertTrue(notDown.err.contains("node " + ApiFixture.WORKER + " is not down and can't be removed"), notDown.toString());

        Result manager = docker("node", "rm", "--force", "host3");
        assertEquals(1, manager.exit, manager.toString());
        assertTrue(manager.err.contains("It must be demoted to worker before removal"), manager.toString());

        Result down = docker("node", "rm", "host4");
        assertEquals(0, down.exit, down.toString());
        assertEquals("host4\n", down.out);
        Result forced = docker("node", "rm", "--force", "host2");
        assertEquals(0, forced.exit, forced.toString());
        int left = fixture.store.read(r -> r.nodes().size());
        assertEquals(2, left, "only the two managers are left");
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
