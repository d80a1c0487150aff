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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rolling update, manual rollback and automatic rollback through the packaged bin/orch, with
 * the process runtime: the CLI follows each rollout to its end and exits as it went.
 */
class RollingUpdateEndToEndIT {
    @TempDir
    Path tmp;
    private AgentProcess agent;
    private final Set<Long> taskPids = new HashSet<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (agent != null) {
            try {
                for (JsonNode t : agent.tasksOf("web")) {
                    taskPids.add(t.path("Status").path("ContainerStatus").path("PID").asLong());
                }
            } catch (Exception | AssertionError e) {
                // the agent may be gone already; the pids seen so far are still ended below
            }
            agent.close();
        }
        // end only the processes this test caused to exist
        taskPids.stream().filter(pid -> pid > 0).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private Dist.Result orch(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-H", agent.host()));
        all.addAll(List.of(args));
        return Dist.run(all);
    }

    private List<String> runningImages() throws Exception {
        List<String> images = new ArrayList<>();
        for (JsonNode t : agent.tasksOf("web")) {
            if (t.path("Status").path("State").asText().equals("running") && t.path("DesiredState").asText().equals("running")) {
                images.add(t.path("Spec").path("ContainerSpec").path("Image").asText());
                taskPids.add(t.path("Status").path("ContainerStatus").path("PID").asLong());
            }
        }
        return images;
    }

    private String updateState() throws Exception {
        return agent.get("/services/web").path("UpdateStatus").path("State").asText();
    }

    @Test
    void updateRollbackAndAutomaticRollbackThroughTheCli() throws Exception {
        agent = new AgentProcess(tmp.resolve("data")).start();
        Dist.Result created = orch("service", "create", "--name", "web", "--replicas", "4", "--runtime", "process",
                "--update-monitor", "1s", "--rollback-parallelism", "0", "--rollback-monitor", "1s", "busybox", "sleep", "1001");
        assertEquals(0, created.exit(), created.out() + created.err());
        assertEquals(List.of("busybox", "busybox", "busybox", "busybox"), runningImages());

        // a rolling update, two at a time with a second between batches, followed to its end
        long start = System.nanoTime();
        Dist.Result updated = orch("service", "update", "--image", "busybox:2", "--update-parallelism", "2",
                "--update-delay", "1s", "web");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, updated.exit(), updated.out() + updated.err());
        assertTrue(updated.out().contains("update: update in progress"), updated.out());
        assertTrue(updated.out().contains("verify: Service"), updated.out());
        assertEquals("completed", updateState());
        assertEquals(List.of("busybox:2", "busybox:2", "busybox:2", "busybox:2"), runningImages());
        assertTrue(tookMillis >= 1000, "two batches a second apart took " + tookMillis + " ms");

        // a manual rollback returns to the previous spec
        Dist.Result rolledBack = orch("service", "rollback", "web");
        assertEquals(0, rolledBack.exit(), rolledBack.out() + rolledBack.err());
        assertTrue(rolledBack.out().contains("rollback: manually requested rollback"), rolledBack.out());
        assertEquals("rollback_completed", updateState());
        assertEquals(List.of("busybox", "busybox", "busybox", "busybox"), runningImages());

        // a release whose tasks exit at once is rolled back automatically; the CLI says so and fails
        Dist.Result broken = orch("service", "update", "--args", "sh -c 'exit 3'", "--update-failure-action", "rollback", "web");
        assertEquals(1, broken.exit(), broken.out() + broken.err());
        assertEquals(1, broken.errLines().size(), broken.err());
        assertTrue(broken.err().startsWith("Error: service rolled back: rollback completed: update rolled back due to failure"),
                broken.err());
        JsonNode service = agent.get("/services/web");
        assertEquals("rollback_completed", service.path("UpdateStatus").path("State").asText());
        assertEquals("[\"sleep\",\"1001\"]", service.at("/Spec/TaskTemplate/ContainerSpec/Args").toString());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(4, runningImages().size()));
    }
}
