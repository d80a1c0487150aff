package io.orch.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Foundation acceptance path, driven through the packaged bin/orch as separate processes:
 * create and converge, kill -9 a task, scale, remove, restart the agent, and bad input.
 */
class SingleNodeEndToEndIT {
    @TempDir
    Path tmp;
    private AgentProcess agent;
    private final Set<Long> taskPids = new HashSet<>();

    @AfterEach
    void cleanUp() {
        if (agent != null) {
            try {
                taskPids.addAll(agent.runningPids("s")); // anything started since the last check
            } catch (Exception | AssertionError e) {
                // the agent is already gone: the pids seen so far are all we can end
            }
            agent.close();
        }
        // end only the processes this test caused to exist
        taskPids.forEach(TaskProcesses::kill);
    }

    /** Whether the JVM bin/orch runs (JAVA_HOME's, else the PATH's) takes -XX:TrimNativeHeapInterval (JDK 17.0.9 on). */
    private static boolean jvmTakesNativeTrim() throws Exception {
        String javaHome = System.getenv("JAVA_HOME");
        String javaBin = javaHome == null || javaHome.isEmpty() ? "java" : javaHome + "/bin/java";
        Process probe = new ProcessBuilder(javaBin, "-XX:TrimNativeHeapInterval=10000", "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(probe.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "java -version ends");
        return probe.exitValue() == 0;
    }

    private Dist.Result orch(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-H", agent.host()));
        all.addAll(List.of(args));
        return Dist.run(all);
    }

    private JsonNode serviceLs() throws Exception {
        Dist.Result r = orch("service", "ls", "--format", "json");
        assertEquals(0, r.exit(), r.err());
        return AgentProcess.JSON.readTree(r.out());
    }

    private void awaitRunning(String service, int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            List<Long> pids = agent.runningPids(service);
            taskPids.addAll(pids);
            assertEquals(count, pids.size(), "running tasks of " + service);
        });
    }

    @Test
    void aServiceRunsHealsScalesAndSurvivesAnAgentRestart() throws Exception {
        agent = new AgentProcess(tmp.resolve("data")).start();
        String jvmArgs = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(agent.pid()), "cmdline"));
        assertTrue(jvmArgs.contains("-XX:+ExitOnOutOfMemoryError") && jvmArgs.contains("-XX:-CreateCoredumpOnCrash"),
                "the launcher makes the agent exit on OutOfMemoryError and never dump core: " + jvmArgs.replace('\0', ' '));
        assertEquals(jvmTakesNativeTrim(), jvmArgs.contains("-XX:TrimNativeHeapInterval=10000"),
                "the launcher has the agent trim its native heap exactly when the JVM knows the option: " + jvmArgs.replace('\0', ' '));

        // 2. create returns after convergence; ls shows 3/3
        Dist.Result created = orch("service", "create", "--name", "s", "--replicas", "3", "--runtime", "process",
                "busybox", "sleep", "1001");
        assertEquals(0, created.exit(), created.out() + created.err());
        JsonNode ls = serviceLs();
        assertEquals(1, ls.size());
        assertEquals(3, ls.get(0).path("ServiceStatus").path("RunningTasks").asInt());
        assertEquals(3, ls.get(0).path("ServiceStatus").path("DesiredTasks").asInt());
        List<Long> before = agent.runningPids("s");
        taskPids.addAll(before);
        assertEquals(3, before.size());
        for (long pid : before) {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "task process " + pid + " runs");
        }

        // 4. kill -9 one task's process: replaced, and the failed task stays in history with its exit code
        long victim = before.get(0);
        ProcessHandle.of(victim).orElseThrow().destroyForcibly();
        awaitRunning("s", 3);
        assertFalse(agent.runningPids("s").contains(victim));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Dist.Result ps = orch("service", "ps", "--no-trunc", "s");
            assertEquals(0, ps.exit(), ps.err());
            assertTrue(ps.out().contains("task: non-zero exit (137)"), ps.out());
        });
        boolean exitCodeRecorded = false;
        for (JsonNode t : agent.tasksOf("s")) {
            if (t.path("Status").path("State").asText().equals("failed")) {
                assertEquals(137, t.path("Status").path("ContainerStatus").path("ExitCode").asInt());
                exitCodeRecorded = true;
            }
        }
        assertTrue(exitCodeRecorded, "the killed task is kept as failed with exit code 137");

        // 5. scale up and down, then remove: no task process left behind
        assertEquals(0, orch("service", "scale", "s=5").exit());
        awaitRunning("s", 5);
        assertEquals(0, orch("service", "scale", "s=0").exit());
        awaitRunning("s", 0);
        assertEquals(0, orch("service", "scale", "s=2").exit());
        awaitRunning("s", 2);
        Dist.Result rm = orch("service", "rm", "s");
        assertEquals(0, rm.exit(), rm.err());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (long pid : taskPids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "task process " + pid + " is gone");
            }
            assertEquals(0, agent.get("/tasks").size(), "no tasks left");
        });

        // 6. SIGTERM the agent and start it on the same data dir: the re-created service is there,
        //    its tasks were not restarted (re-attached), and it converges again
        assertEquals(0, orch("service", "create", "--name", "s", "--replicas", "3", "--runtime", "process",
                "busybox", "sleep", "1001").exit());
        awaitRunning("s", 3);
        List<Long> beforeRestart = agent.runningPids("s");
        assertEquals(0, agent.stop());
        for (long pid : beforeRestart) {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "tasks outlive the agent");
        }
        agent = new AgentProcess(tmp.resolve("data")).start();
        awaitRunning("s", 3);
        assertEquals(new HashSet<>(beforeRestart), new HashSet<>(agent.runningPids("s")), "re-attached, not restarted");
        assertEquals(3, serviceLs().get(0).path("ServiceStatus").path("RunningTasks").asInt());
        long reattachedVictim = beforeRestart.get(0);
        ProcessHandle.of(reattachedVictim).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            List<Long> pids = agent.runningPids("s");
            taskPids.addAll(pids);
            assertFalse(pids.contains(reattachedVictim), "the death of a re-attached task is noticed");
            assertEquals(3, pids.size());
        });

        // 7. bad input: one clear line, non-zero exit, nothing changed
        String listBefore = serviceLs().toString();
        assertBadInput(orch("service", "create", "--name", "neg", "--replicas", "-1", "busybox", "sleep", "1"));
        assertBadInput(orch("service", "create", "--name", "mem", "--limit-memory", "12xb", "busybox", "sleep", "1"));
        assertBadInput(orch("service", "create", "--bogus-flag", "busybox"));
        assertBadInput(orch("service", "create", "--name", "s", "--runtime", "process", "busybox", "sleep", "1"));
        assertBadInput(orch("service", "scale", "s=-3"));
        JsonNode s = agent.get("/services/s");
        long version = s.path("Version").path("Index").asLong();
        var stale = agent.request("POST", "/services/" + s.path("ID").asText() + "/update?version=" + (version - 1),
                s.path("Spec").toString());
        assertEquals(409, stale.statusCode(), stale.body());
        assertTrue(stale.body().contains("update out of sequence"), stale.body());
        assertEquals(listBefore, serviceLs().toString(), "the service list is unchanged by bad input");
    }

    private static void assertBadInput(Dist.Result r) {
        assertNotEquals(0, r.exit(), "bad input must fail: " + r.out());
        assertEquals(1, r.errLines().size(), "exactly one line on stderr: " + r.err());
    }
}
