package io.orch.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * `--restart-max-attempts N` on a task that always fails stops after exactly N restarts, also
 * when N is above the task history retention (5), whose pruning once hid the older attempts
 * from the count: the slot's restart count travels from task to task.
 */
class RestartMaxAttemptsIT {
    @TempDir
    Path tmp;
    private AgentProcess agent;

    @AfterEach
    void cleanUp() {
        if (agent != null) {
            agent.close();
        }
    }

    /** Creates a service whose task exits 1 at once and returns how many tasks its slot ever had. */
    private int tasksOfAnAlwaysFailingService(String name, int maxAttempts) throws Exception {
        Dist.Result created = Dist.run("-H", agent.host(), "service", "create", "--name", name, "--detach",
                "--runtime", "process", "--restart-condition", "on-failure", "--restart-delay", "100ms",
                "--restart-max-attempts", Integer.toString(maxAttempts), "busybox", "false");
        assertEquals(0, created.exit(), created.out() + created.err());
        Set<String> seen = new HashSet<>();
        // every task stays listed until five newer ones exist, so polling this often sees them all
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode tasks = agent.tasksOf(name);
            tasks.forEach(t -> seen.add(t.path("ID").asText()));
            return seen.size() > maxAttempts && gaveUp(tasks);
        });
        // and it stays given up: no task wanted running any more, no new one
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode tasks = agent.tasksOf(name);
            tasks.forEach(t -> seen.add(t.path("ID").asText()));
            return gaveUp(tasks);
        });
        return seen.size();
    }

    private static boolean gaveUp(JsonNode tasks) {
        for (JsonNode t : tasks) {
            if (t.path("DesiredState").asText().equals("running")) {
                return false;
            }
        }
        return tasks.size() > 0;
    }

    @Test
    void anAlwaysFailingTaskIsRestartedExactlyMaxAttemptsTimes() throws Exception {
        agent = new AgentProcess(tmp.resolve("data")).start();
        assertEquals(1 + 5, tasksOfAnAlwaysFailingService("five", 5), "the first task and 5 restarts");
        assertEquals(1 + 7, tasksOfAnAlwaysFailingService("seven", 7), "the first task and 7 restarts, past the history of 5");
    }
}
