package io.orch.packaging.cluster;

import io.orch.packaging.cluster.ClusterFixture.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker restarted while no manager answers resumes from the assignment set it kept on disk:
 * it re-attaches its running tasks (the same processes) and supervises them, so a task that dies
 * meanwhile is restarted in place by the node itself. Without the kept set the restarted worker
 * would know of no task until a manager came back. Once the manager is back the service has one
 * task per slot, with the same ids.
 */
class WorkerResumeIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60); // a deadline, not a goal
    private static final int REPLICAS = 4;
    private ClusterFixture cluster;

    @RegisterExtension
    final KeepRunOnFailure keepRunOnFailure = new KeepRunOnFailure(() -> cluster);

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aWorkerRestartedWithNoManagerReachableResumesAndSupervisesItsTasks() throws Exception {
        cluster = new ClusterFixture("resume", new PortBlocks(25100, 25200, true));
        AgentNode m1 = cluster.init("m1", NodeHost.LOOPBACK);
        AgentNode w1 = cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        String w1Id = m1.api.node("w1").orElseThrow().id();
        String tag = ClusterFixture.sleepTag();

        assertTrue(m1.api.createSleepService("resume", REPLICAS, tag).ok());
        await("every replica runs, some on w1").atMost(DEADLINE).until(() -> TaskView.running(m1.api, "resume").size() == REPLICAS
                && TaskView.running(m1.api, "resume").stream().anyMatch(t -> t.nodeId().equals(w1Id)));
        Map<String, Long> onW1 = TaskView.running(m1.api, "resume").stream().filter(t -> t.nodeId().equals(w1Id))
                .collect(Collectors.toMap(TaskView::id, TaskView::pid));
        Set<String> allIds = ids(m1.api);

        m1.kill9();
        assertEquals(0, w1.stop(Duration.ofSeconds(30)), "a clean stop of w1");
        w1.restart(ClusterFixture.AGENT_READY); // no manager answers now
        for (long pid : onW1.values()) {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "task process " + pid + " outlived its agent");
        }

        String victimTask = onW1.keySet().iterator().next();
        long victimPid = onW1.get(victimTask);
        HostProcesses.signal(victimPid, "KILL");
        await("w1 restarts the killed task in place, with no manager").atMost(DEADLINE).until(() ->
                processOf(w1, tag, victimTask).filter(p -> p.pid() != victimPid && p.alive()).isPresent());
        onW1.forEach((task, pid) -> {
            if (!task.equals(victimTask)) {
                assertEquals(Optional.of(pid), processOf(w1, tag, task).map(HostProcesses.Proc::pid),
                        "task " + task + " keeps its process: re-attached, not restarted");
            }
        });

        m1.restart(ClusterFixture.AGENT_READY);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        await("one running task per slot, the same tasks").atMost(DEADLINE).untilAsserted(() -> {
            List<TaskView> running = TaskView.running(m1.api, "resume");
            Map<Long, List<String>> bySlot = new TreeMap<>();
            running.forEach(t -> bySlot.computeIfAbsent(t.slot(), s -> new java.util.ArrayList<>()).add(t.id()));
            assertEquals(REPLICAS, bySlot.size(), "running slots: " + bySlot);
            bySlot.forEach((slot, tasks) -> assertEquals(1, tasks.size(), "slot " + slot + " runs " + tasks));
            assertEquals(allIds, ids(m1.api), "no task was replaced");
            assertEquals(REPLICAS, HostProcesses.withArgv(List.of("sleep", tag)).size(), "one process per replica on the host");
        });
    }

    private static Optional<HostProcesses.Proc> processOf(AgentNode node, String tag, String taskId) {
        return HostProcesses.withArgv(List.of("sleep", tag)).stream()
                .filter(p -> p.taskId(node.dataDir).filter(taskId::equals).isPresent())
                .findFirst();
    }

    private static Set<String> ids(NodeApi api) {
        return TaskView.running(api, "resume").stream().map(TaskView::id).collect(Collectors.toSet());
    }
}
