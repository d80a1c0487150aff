package io.orch.packaging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The stock docker CLI, unchanged, against a running agent (acceptance step 3). */
class DockerCliEndToEndIT {
    @TempDir
    Path tmp;
    private AgentProcess agent;

    @AfterEach
    void cleanUp() throws Exception {
        if (agent != null) {
            for (long pid : agent.runningPids("s")) {
                TaskProcesses.kill(pid);
            }
            agent.close();
        }
    }

    private static String docker(String host, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", host);
        Path out = Files.createTempFile("docker", ".out");
        Process p = pb.redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker " + List.of(args) + " finished");
        String text = Files.readString(out);
        assertEquals(0, p.exitValue(), "docker " + List.of(args) + ": " + text);
        return text;
    }

    private static boolean dockerInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "docker"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void dockerServiceLsNodeLsAndServicePsWork() throws Exception {
        assumeTrue(dockerInstalled(), "the docker CLI is not installed (.ci/run installs docker.io)");
        agent = new AgentProcess(tmp.resolve("data")).start();
        assertEquals(0, Dist.run("-H", agent.host(), "service", "create", "--name", "s", "--replicas", "3",
                "--runtime", "process", "busybox", "sleep", "1001").exit());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String ls = docker(agent.host(), "service", "ls");
            assertTrue(ls.lines().anyMatch(l -> l.contains(" s ") && l.contains("replicated") && l.contains("3/3")), ls);
        });
        String nodes = docker(agent.host(), "node", "ls");
        assertTrue(nodes.lines().anyMatch(l -> l.contains("Ready") && l.contains("Active") && l.contains("Leader")), nodes);
        String ps = docker(agent.host(), "service", "ps", "s");
        assertEquals(3, ps.lines().filter(l -> l.contains("Running") && l.matches(".*\\bs\\.[123]\\b.*")).count(), ps);
    }
}
