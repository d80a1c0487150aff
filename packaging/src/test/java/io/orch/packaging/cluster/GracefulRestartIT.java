package io.orch.packaging.cluster;

import io.orch.packaging.cluster.ClusterFixture.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A planned agent restart (SIGTERM, start again) within the restart grace moves no task: the
 * stopping agent announces the restart in gossip, the leader shows the node Unknown meanwhile and
 * keeps its tasks where they are, and once the agent is back the same tasks run on it.
 */
class GracefulRestartIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60); // a deadline, not a goal
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
    void aWorkerRestartedWithinItsGraceKeepsItsTasksAndNoneIsReplaced() throws Exception {
        cluster = new ClusterFixture("restart", new PortBlocks(25000, 25100, true));
        AgentNode m1 = cluster.init("m1", NodeHost.LOOPBACK);
        AgentNode w1 = cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        String w1Id = m1.api.node("w1").orElseThrow().id();

        assertTrue(m1.api.createSleepService("stay", 4, ClusterFixture.sleepTag()).ok());
        await("4 tasks run, some on w1").atMost(DEADLINE).until(() -> TaskView.running(m1.api, "stay").size() == 4
                && TaskView.running(m1.api, "stay").stream().anyMatch(t -> t.nodeId().equals(w1Id)));
        Set<String> before = ids(m1.api);

        assertEquals(0, w1.stop(Duration.ofSeconds(30)), "a clean stop");
        await("the leader shows w1 Unknown, not Down").atMost(DEADLINE)
                .until(() -> m1.api.node("w1").orElseThrow().state().equals("unknown"));
        assertEquals(before, desiredRunning(m1.api), "no task replaced while w1 restarts");

        w1.restart(ClusterFixture.AGENT_READY);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        await("the same 4 tasks run again").atMost(DEADLINE).until(() -> ids(m1.api).equals(before));
        assertEquals(before, desiredRunning(m1.api), "and no other task was created meanwhile");
    }

    private static Set<String> ids(NodeApi api) {
        return TaskView.running(api, "stay").stream().map(TaskView::id).collect(Collectors.toSet());
    }

    private static Set<String> desiredRunning(NodeApi api) {
        return TaskView.of(api, "stay").stream().filter(t -> t.desiredState().equals("running"))
                .map(TaskView::id).collect(Collectors.toSet());
    }
}
