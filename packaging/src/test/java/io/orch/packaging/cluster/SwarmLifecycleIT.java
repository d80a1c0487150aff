package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The swarm lifecycle as dockerd has it, driven by the stock docker CLI: two `orch agent` processes
 * in no swarm; `docker swarm init` on one, `join` on the other with the worker token; a global
 * service runs a task on each; a restarted worker resumes its role; `swarm leave` on the worker
 * stops its task, marks it Down on the manager and takes it back to no swarm; the manager leaves
 * only with --force, which erases the swarm on it.
 */
class SwarmLifecycleIT {
    private static final Duration READY = Duration.ofSeconds(60);
    @TempDir
    Path root;
    private final PortBlocks ports = new PortBlocks(23300, 23400, true);
    private AgentNode manager;
    private AgentNode worker;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(dockerInstalled(), "the docker CLI is not installed");
        OrchBinary.requireBuilt();
        manager = new AgentNode("swarm-m", NodeHost.LOOPBACK, ports.next(), root);
        worker = new AgentNode("swarm-w", NodeHost.LOOPBACK, ports.next(), root);
        manager.start(AgentNode.agentArgs(manager), READY);
        worker.start(AgentNode.agentArgs(worker), READY);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (AgentNode n : new AgentNode[] {worker, manager}) {
            if (n != null) {
                n.destroyWithTasks();
            }
        }
    }

    @Test
    void initJoinRestartLeaveWithTheDockerCli() throws Exception {
        String m = host(manager);
        String w = host(worker);
        assertEquals("inactive", docker(m, "info", "--format", "{{.Swarm.LocalNodeState}}").out.trim());
        Docker notInSwarm = docker(m, "node", "ls");
        assertNotEquals(0, notInSwarm.exit);
        assertTrue(notInSwarm.out.contains("This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\""),
                notInSwarm.out);

        assertTrue(ok(w, "image", "ls").out.startsWith("REPOSITORY"), "a node in no swarm serves its own images");

        Docker init = ok(m, "swarm", "init");
        assertTrue(init.out.contains("Swarm initialized: current node ("), init.out);
        Docker again = docker(m, "swarm", "init");
        assertTrue(again.exit != 0 && again.out.contains("This node is already part of a swarm."), again.out);
        Docker unlockKey = docker(m, "swarm", "unlock-key");
        assertTrue(unlockKey.exit != 0 && unlockKey.out.contains("no unlock key is set"), unlockKey.out);
        String token = ok(m, "swarm", "join-token", "-q", "worker").out.trim();
        assertTrue(token.startsWith("SWMTKN-1-"), "a worker token");
        assertTrue(ok(w, "swarm", "join", "--token", token, manager.listenAddr()).out.contains("This node joined a swarm as a worker."));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String nodes = ok(m, "node", "ls").out;
            assertTrue(nodes.lines().anyMatch(l -> l.contains("swarm-m") && l.contains("Ready") && l.contains("Leader")), nodes);
            assertTrue(nodes.lines().anyMatch(l -> l.contains("swarm-w") && l.contains("Ready")), nodes);
        });
        ok(m, "service", "create", "-q", "--detach", "--name", "g", "--mode", "global", "busybox", "sleep", "23399");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String ps = ok(m, "service", "ps", "g", "--format", "{{.Node}} {{.CurrentState}}").out;
            assertTrue(ps.lines().anyMatch(l -> l.startsWith("swarm-m Running")), ps);
            assertTrue(ps.lines().anyMatch(l -> l.startsWith("swarm-w Running")), ps);
        });

        // a joined node keeps its role across a restart of `orch agent` on the same data directory
        assertEquals(0, worker.stop(Duration.ofSeconds(30)));
        worker.restart(READY);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals("active false", ok(w, "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}").out.trim());
            String nodes = ok(m, "node", "ls").out;
            assertTrue(nodes.lines().anyMatch(l -> l.contains("swarm-w") && l.contains("Ready")), nodes);
        });
        long workerTaskPid = await().atMost(Duration.ofSeconds(30)).until(() -> runningPidOn(worker), pid -> pid > 1);

        assertTrue(ok(w, "swarm", "leave").out.contains("Node left the swarm."));
        assertEquals("inactive", ok(w, "info", "--format", "{{.Swarm.LocalNodeState}}").out.trim(),
                "the node is in no swarm when leave returns");
        // stopped by the leave; its process may still be a zombie for a moment until runc reaps it
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertFalse(
                ProcessHandle.of(workerTaskPid).map(ProcessHandle::isAlive).orElse(false), "the worker's task was stopped"));
        assertFalse(Files.exists(worker.dataDir.resolve("cluster.json")), "the worker's swarm state is gone");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String nodes = ok(m, "node", "ls").out;
            assertTrue(nodes.lines().anyMatch(l -> l.contains("swarm-w") && l.contains("Down")), nodes);
        });

        Docker refused = docker(m, "swarm", "leave");
        assertNotEquals(0, refused.exit);
        assertTrue(refused.out.contains("You are attempting to leave the swarm on a node that is participating as a manager. "
                + "Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message."), refused.out);
        assertEquals("active", ok(m, "info", "--format", "{{.Swarm.LocalNodeState}}").out.trim());
        assertTrue(ok(m, "swarm", "leave", "--force").out.contains("Node left the swarm."));
        assertEquals("inactive", ok(m, "info", "--format", "{{.Swarm.LocalNodeState}}").out.trim());
        assertFalse(Files.exists(manager.dataDir.resolve("cluster.json")), "the last manager's swarm state is erased");
        assertTrue(manager.alive() && worker.alive(), "both agents still run, in no swarm");
    }

    /** The PID of the global service's running task on {@code node}, from the manager's API; 0 while there is none. */
    private long runningPidOn(AgentNode node) {
        String nodeId = manager.api.node(node.name).map(ClusterNodeView::id).orElse("");
        for (JsonNode t : manager.api.tasksOf("g")) {
            if (t.path("NodeID").asText().equals(nodeId) && t.path("Status").path("State").asText().equals("running")) {
                return t.path("Status").path("ContainerStatus").path("PID").asLong();
            }
        }
        return 0;
    }

    private static String host(AgentNode n) {
        return "tcp://127.0.0.1:" + n.apiPort();
    }

    record Docker(int exit, String out) {}

    private static Docker ok(String host, String... args) throws Exception {
        Docker d = docker(host, args);
        assertEquals(0, d.exit, "docker " + List.of(args) + ": " + d.out);
        return d;
    }

    private static Docker docker(String host, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", host);
        Path out = Files.createTempFile("docker", ".out");
        try {
            Process p = pb.redirectOutput(out.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("docker " + List.of(args) + " did not finish within 90 s");
            }
            return new Docker(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean dockerInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "docker"))) {
                return true;
            }
        }
        return false;
    }
}
