package io.orch.packaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.net.NodeNetwork;
import io.orch.runtime.runc.RuncRequirements;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing left behind: the packaged agent runs 20 runc tasks (four services of five), is killed
 * with SIGKILL while it removes them ({@code service rm}), and is started again on the same data
 * dir. Then no container, mount, network namespace, veth or cgroup of those 20 tasks may remain,
 * while the containers of a service that still exists run on, re-attached. Needs root, runc and ip.
 */
class StartupSweepIT {
    private static final int SERVICES = 4;
    private static final int REPLICAS = 5;

    @TempDir
    Path tmp;
    private AgentProcess agent;
    private final List<String> removedTasks = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (agent != null) {
            try {
                agent.request("DELETE", "/services/kept", null);
                for (int i = 0; i < SERVICES; i++) {
                    agent.request("DELETE", "/services/removed-" + i, null);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> agent.get("/tasks").isEmpty());
            } finally {
                agent.close();
            }
        }
    }

    @Test
    void anAgentKilledWhileRemovingTasksLeavesNothingOfThemAfterItsRestart() throws Exception {
        Optional<String> reason = RuncRequirements.unavailableReason().or(NodeNetwork::unavailableReason);
        if (reason.isPresent()) {
            System.out.println("SKIPPING start-up sweep end-to-end test: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        Path data = tmp.resolve("data");
        new ImageStore(data.resolve("images")).load(TestImages.busybox()
                .writeDockerArchive(Files.createDirectories(tmp.resolve("img")).resolve("busybox.tar"), "busybox:latest"));

        agent = new AgentProcess(data).runtime("runc").start();
        create("kept", 2, 10);
        await().atMost(Duration.ofSeconds(60)).until(() -> agent.runningPids("kept").size() == 2);
        // graces of 1, 3, 5 and 7 s: sleep as PID 1 ignores SIGTERM, so each stop takes its grace,
        // and the removals end in four waves two seconds apart however many the worker runs at once
        List<Long> removedPids = new ArrayList<>();
        for (int i = 0; i < SERVICES; i++) {
            create("removed-" + i, REPLICAS, 1 + 2 * i);
        }
        for (int i = 0; i < SERVICES; i++) {
            String service = "removed-" + i;
            await().atMost(Duration.ofSeconds(120)).until(() -> agent.runningPids(service).size() == REPLICAS);
            for (JsonNode t : agent.tasksOf(service)) {
                removedTasks.add(t.path("ID").asText());
            }
            removedPids.addAll(agent.runningPids(service));
        }
        List<Long> keptPids = agent.runningPids("kept");
        assertTrue(removedTasks.stream().allMatch(id -> !traces(data, id).isEmpty()), "every task has things to leave");

        for (int i = 0; i < SERVICES; i++) {
            assertEquals(200, agent.request("DELETE", "/services/removed-" + i, null).statusCode());
        }
        // kill -9 once the first removal is done and while others are not
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> removedTasks.stream().anyMatch(id -> !Files.exists(runcState(data, id))));
        long agentPid = agent.pid();
        agent.kill9();
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(agentPid).map(p -> !p.isAlive()).orElse(true));
        long unfinished = removedTasks.stream().filter(id -> Files.exists(runcState(data, id))).count();
        System.out.println("removals unfinished at the kill: " + unfinished + " of " + removedTasks.size());
        assertTrue(unfinished > 0, "the agent was killed in the middle of the removals");

        agent = new AgentProcess(data).runtime("runc").start();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<String> left = new ArrayList<>();
            for (String id : removedTasks) {
                traces(data, id).forEach(t -> left.add(id + ": " + t));
            }
            assertEquals(List.of(), left, "nothing of the removed service's tasks is left");
        });
        for (long pid : removedPids) {
            assertTrue(!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "container process " + pid + " ended");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.runningPids("kept").size() == 2);
        assertEquals(new HashSet<>(keptPids), new HashSet<>(agent.runningPids("kept")),
                "the live service's containers are untouched: re-attached, not restarted");
    }

    private void create(String name, int replicas, int graceSeconds) throws IOException, InterruptedException {
        HttpResponse<String> created = agent.request("POST", "/services/create", "{\"Name\":\"" + name + "\",\"TaskTemplate\":"
                + "{\"ContainerSpec\":{\"Image\":\"busybox\",\"Command\":[\"sleep\",\"600\"],\"StopGracePeriod\":"
                + graceSeconds * 1_000_000_000L + "}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":" + replicas + "}}}");
        assertEquals(201, created.statusCode(), created.body());
    }

    private static Path runcState(Path data, String taskId) {
        return data.resolve("runc").resolve("orch-" + taskId);
    }

    /** What of a task exists on the machine: its runc state, rootfs mount, network namespace, veth, cgroup. */
    private static Set<String> traces(Path data, String taskId) {
        Set<String> found = new HashSet<>();
        if (Files.exists(runcState(data, taskId))) {
            found.add("runc state");
        }
        String mountPoint = data.resolve("tasks").resolve(taskId).resolve("rootfs").toAbsolutePath().toString();
        try {
            if (Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8).stream()
                    .anyMatch(l -> l.split(" ")[4].equals(mountPoint))) {
                found.add("mount");
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        if (Files.exists(Path.of("/var/run/netns", NodeNetwork.netnsName(taskId)))) {
            found.add("netns");
        }
        if (Files.exists(Path.of("/sys/class/net", NodeNetwork.vethName(taskId)))) {
            found.add("veth");
        }
        for (String hierarchy : List.of("", "pids", "memory", "cpu", "freezer")) {
            if (Files.exists(Path.of("/sys/fs/cgroup", hierarchy, "orch", "orch-" + taskId))) {
                found.add("cgroup");
            }
        }
        return found;
    }
}
