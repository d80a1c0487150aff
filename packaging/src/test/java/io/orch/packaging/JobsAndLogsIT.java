package io.orch.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14's jobs, per-line log times and rollouts outside the task template, through the stock
 * docker CLI against the packaged bin/orch (process runtime): a replicated job (the docker CLI's
 * {@code --replicas} is its TotalCompletions) completes its total and restarts nothing, a global job runs once on the node, {@code service logs
 * --timestamps} shows each line's own time, {@code --tail} counts both streams, and
 * {@code --publish-add} replaces the task without {@code --force}.
 */
class JobsAndLogsIT {
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

    @TempDir
    Path tmp;
    private AgentProcess agent;
    private final Set<Long> taskPids = new HashSet<>();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(dockerInstalled(), "the docker CLI is not installed (.ci/run installs docker.io)");
        agent = new AgentProcess(tmp.resolve("data")).start();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (agent != null) {
            for (String s : List.of("ticker", "web", "chatty")) {
                try {
                    taskPids.addAll(agent.runningPids(s));
                } catch (AssertionError e) {
                    // not created by this test
                }
            }
            agent.close();
        }
        taskPids.forEach(TaskProcesses::kill); // only what this test started
    }

    private String docker(String... args) throws Exception {
        Result r = dockerResult(args);
        assertEquals(0, r.exit(), "docker " + List.of(args) + ": " + r.out());
        return r.out();
    }

    private record Result(int exit, String out) {}

    private Result dockerResult(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", agent.host());
        Path out = Files.createTempFile(tmp, "docker", ".out");
        Process p = pb.redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker " + List.of(args) + " finished");
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static String row(String ls, String name) {
        return ls.lines().filter(l -> l.matches("\\S+\\s+" + name + "\\s.*")).findFirst().orElse("");
    }

    @Test
    void aReplicatedJobCompletesItsTotalAndAGlobalJobRunsOncePerNode() throws Exception {
        // not detached: the docker CLI follows the job's progress until its 3 completions
        docker("service", "create", "--name", "job", "--mode", "replicated-job", "--replicas", "3",
                "--max-concurrent", "2", "busybox", "sh", "-c", "echo done");
        docker("service", "create", "--name", "gjob", "--mode", "global-job", "busybox", "sh", "-c", "echo once");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            String ls = docker("service", "ls");
            assertTrue(row(ls, "job").matches(".*replicated job\\s+0/0 \\(3/3 completed\\).*"), ls);
            assertTrue(row(ls, "gjob").matches(".*global job\\s+0/0 \\(1/1 completed\\).*"), ls);
        });
        JsonNode tasks = agent.tasksOf("job");
        assertEquals(3, tasks.size(), "three completions, no task restarted: " + tasks);
        Set<Long> slots = new HashSet<>();
        for (JsonNode t : tasks) {
            assertEquals("complete", t.path("Status").path("State").asText(), t.toString());
            assertEquals(1, t.path("JobIteration").path("Index").asLong(), t.toString());
            slots.add(t.path("Slot").asLong());
        }
        assertEquals(Set.of(0L, 1L, 2L), slots); // numbered from 0, as swarmkit's (the docker CLI counts on it)
        JsonNode global = agent.tasksOf("gjob");
        assertEquals(1, global.size(), global.toString());
        assertEquals("complete", global.get(0).path("Status").path("State").asText());

        JsonNode inspect = agent.get("/services/job");
        assertEquals(2, inspect.path("Spec").path("Mode").path("ReplicatedJob").path("MaxConcurrent").asLong());
        assertEquals(1, inspect.path("JobStatus").path("JobIteration").path("Index").asLong());

        // an update (here --force alone) runs the job again: a new iteration of three completions
        docker("service", "update", "-d", "--force", "job");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            String ls = docker("service", "ls");
            assertTrue(row(ls, "job").matches(".*0/0 \\(3/3 completed\\).*"), ls);
            JsonNode all = agent.tasksOf("job");
            long second = 0;
            for (JsonNode t : all) {
                if (t.path("JobIteration").path("Index").asLong() == 2 && t.path("Status").path("State").asText().equals("complete")) {
                    second++;
                }
            }
            assertEquals(3, second, all.toString());
        });
        Result scale = dockerResult("service", "scale", "gjob=2");
        assertNotEquals(0, scale.exit(), scale.out());
        assertTrue(scale.out().contains("scale can only be used with replicated or replicated-job mode"), scale.out());
    }

    @Test
    void logsKeepEachLinesTimeAndTailCountsBothStreams() throws Exception {
        docker("service", "create", "-d", "--name", "ticker", "busybox", "sh", "-c",
                "echo warn >&2; for i in 1 2 3 4; do sleep 1; echo line$i; done; exec sleep 1000");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertTrue(docker("service", "logs", "ticker").contains("line4"), "all four lines written"));
        taskPids.addAll(agent.runningPids("ticker"));

        List<Instant> times = new ArrayList<>();
        for (String line : docker("service", "logs", "--timestamps", "ticker").lines().toList()) {
            if (line.contains("line")) {
                Matcher m = TIME.matcher(line);
                assertTrue(m.find(), line);
                times.add(Instant.parse(m.group()));
            }
        }
        assertEquals(4, times.size(), times.toString());
        for (int i = 1; i < times.size(); i++) {
            assertTrue(Duration.between(times.get(i - 1), times.get(i)).toMillis() >= 500,
                    "lines printed a second apart carry their own, increasing times: " + times);
        }

        String tail = docker("service", "logs", "--tail", "2", "ticker");
        List<String> lines = tail.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(2, lines.size(), tail);
        assertTrue(lines.get(0).endsWith("| line3") && lines.get(1).endsWith("| line4"), tail);

        String since = docker("service", "logs", "--since", times.get(2).toString(), "ticker");
        assertTrue(!since.contains("line1") && !since.contains("warn") && since.contains("line3") && since.contains("line4"), since);
    }

    @Test
    void logOptionsRotateTheLogsKeepingTheNewestLinesWithinMaxSizeTimesMaxFile() throws Exception {
        docker("service", "create", "-d", "--name", "chatty", "--log-driver", "json-file",
                "--log-opt", "max-size=1k", "--log-opt", "max-file=2", "busybox", "sh", "-c",
                "i=0; while [ $i -lt 200 ]; do echo line-$i; i=$((i+1)); done; exec sleep 1000");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertTrue(docker("service", "logs", "chatty").contains("line-199"), "all lines written"));
        taskPids.addAll(agent.runningPids("chatty"));

        List<String> shown = docker("service", "logs", "--raw", "chatty").lines().filter(l -> !l.isBlank()).toList();
        assertEquals("line-199", shown.get(shown.size() - 1), "the newest line is last");
        int first = Integer.parseInt(shown.get(0).substring("line-".length()));
        assertTrue(first > 0, "the oldest lines were rotated away: " + shown.get(0));
        for (int i = 0; i < shown.size(); i++) {
            assertEquals("line-" + (first + i), shown.get(i), "what is kept is whole and in order");
        }
        // on disk: the current file and one rotated one, each within 1000 bytes
        String taskId = agent.tasksOf("chatty").get(0).path("ID").asText();
        Path taskDir = agent.dataDir.resolve("tasks").resolve(taskId);
        assertTrue(Files.exists(taskDir.resolve("stdout.log.1")), "rotated once at least");
        assertFalse(Files.exists(taskDir.resolve("stdout.log.2")), "max-file 2");
        for (String f : List.of("stdout.log", "stdout.log.1")) {
            assertTrue(Files.size(taskDir.resolve(f)) <= 1000, f + " is " + Files.size(taskDir.resolve(f)) + " bytes");
        }
    }

    @Test
    void publishAddRollsTheTaskWithoutForce() throws Exception {
        docker("service", "create", "-d", "--name", "web", "busybox", "sleep", "1000");
        String first = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(
                () -> runningTaskId("web"), id -> id != null);
        taskPids.addAll(agent.runningPids("web"));

        docker("service", "update", "-d", "--publish-add", "published=23481,target=8080", "web");
        String second = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(
                () -> runningTaskId("web"), id -> id != null && !id.equals(first));
        taskPids.addAll(agent.runningPids("web"));
        assertNotEquals(first, second);

        // a label on the service is no reason to replace the task
        docker("service", "update", "-d", "--label-add", "team=a", "web");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> second.equals(runningTaskId("web")));
    }

    private String runningTaskId(String service) throws Exception {
        for (JsonNode t : agent.tasksOf(service)) {
            if (t.path("Status").path("State").asText().equals("running") && t.path("DesiredState").asText().equals("running")) {
                return t.path("ID").asText();
            }
        }
        return null;
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
