package io.orch.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.image.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6's user-facing pieces through the packaged bin/orch: {@code orch service logs} of a
 * service that echoes lines (process runtime), and {@code orch image load/ls/rm}; then the same
 * through the stock docker CLI when it is installed.
 */
class LogsAndImagesEndToEndIT {
    @TempDir
    Path tmp;
    private AgentProcess agent;
    private final Set<Long> taskPids = new HashSet<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (agent != null) {
            taskPids.addAll(agent.runningPids("echo"));
            agent.close();
        }
        // end only the processes this test caused to exist
        taskPids.forEach(TaskProcesses::kill);
    }

    private Dist.Result orch(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-H", agent.host()));
        all.addAll(List.of(args));
        return Dist.run(all);
    }

    @Test
    void serviceLogsShowTaskPrefixedLinesAndImagesLoadListAndRemove() throws Exception {
        agent = new AgentProcess(tmp.resolve("data")).start();
        String hostname = agent.get("/nodes").get(0).path("Description").path("Hostname").asText();

        Dist.Result created = orch("service", "create", "--name", "echo", "--replicas", "2", "--runtime", "process",
                "busybox", "sh", "-c", "echo one; echo two; echo three; sleep 1; echo err >&2; exec sleep 1000");
        assertEquals(0, created.exit(), created.out() + created.err());
        taskPids.addAll(agent.runningPids("echo"));

        List<String> expectedPrefixes = new ArrayList<>();
        for (JsonNode t : agent.tasksOf("echo")) {
            expectedPrefixes.add("echo." + t.path("Slot").asInt() + "." + t.path("ID").asText().substring(0, 12) + "@" + hostname + "    | ");
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            // --tail counts both streams of a task: its last two lines are "three" and, a second later, "err"
            Dist.Result logs = orch("service", "logs", "--tail", "2", "echo");
            assertEquals(0, logs.exit(), logs.err());
            List<String> lines = logs.out().lines().sorted().toList();
            List<String> expected = new ArrayList<>();
            for (String p : expectedPrefixes) {
                expected.add(p + "three");
            }
            assertEquals(expected.stream().sorted().toList(), lines, logs.out());
            assertEquals(2, logs.err().lines().filter(l -> l.endsWith("    | err")).count(), logs.err());
        });

        Path archive = new TestImages.Spec().layer(new TestImages.Layer().file("hello.txt", "hi\n")).cmd("/hello.txt")
                .writeDockerArchive(tmp.resolve("tiny.tar"), "tiny:1");
        Dist.Result loaded = orch("image", "load", "-i", archive.toString());
        assertEquals(0, loaded.exit(), loaded.err());
        assertEquals("Loaded image: tiny:1\n", loaded.out());
        Dist.Result ls = orch("image", "ls");
        assertEquals(0, ls.exit(), ls.err());
        assertTrue(ls.out().lines().anyMatch(l -> l.matches("tiny\\s+1\\s+[0-9a-f]{12}\\s+.*")), ls.out());

        if (dockerInstalled()) {
            String dockerLogs = docker("service", "logs", "--tail", "1", "echo");
            for (String p : expectedPrefixes) {
                assertTrue(dockerLogs.contains(p + "err") && !dockerLogs.contains(p + "three"), dockerLogs);
            }
            Path other = new TestImages.Spec().layer(new TestImages.Layer().file("x.txt", "x\n"))
                    .writeDockerArchive(tmp.resolve("other.tar"), "other:2");
            assertTrue(docker("load", "-i", other.toString()).contains("Loaded image: other:2"));
            assertTrue(docker("image", "ls").contains("other"));
            assertTrue(docker("image", "rm", "other:2").contains("Untagged: other:2"));
        } else {
            System.out.println("skipping the stock docker CLI part: docker is not installed");
        }

        Dist.Result rm = orch("image", "rm", "tiny:1");
        assertEquals(0, rm.exit(), rm.err());
        assertTrue(rm.out().startsWith("Untagged: tiny:1\nDeleted: sha256:"), rm.out());
        assertEquals("", orch("image", "ls", "-q").out());
    }

    private String docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", agent.host());
        Path out = Files.createTempFile(tmp, "docker", ".out");
        Process p = pb.redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
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
}
