package io.orch.packaging.cluster;

import io.orch.packaging.cluster.ClusterFixture.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `node promote` and `node demote` with real processes: the node's agent renews its certificate
 * for the new role and swaps its manager and worker parts (a promoted worker becomes a Raft voter
 * and serves the cluster API; a demoted manager leaves the group and stops serving it), while the
 * tasks on it keep running, the same processes throughout.
 */
class RoleChangeIT {
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
    void aPromotedWorkerBecomesAManagerAndADemotedOneAWorkerWhileItsTasksKeepRunning() throws Exception {
        cluster = new ClusterFixture("roles", new PortBlocks(22700, 22800, true));
        AgentNode m1 = cluster.init("m1", NodeHost.LOOPBACK);
        AgentNode w1 = cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
        cluster.awaitReady(cluster.nodes(), DEADLINE);

        assertTrue(m1.api.createSleepService("roles", 2, ClusterFixture.sleepTag()).ok());
        String w1Id = m1.api.node("w1").orElseThrow().id();
        await("a task runs on w1").atMost(DEADLINE).until(() ->
                TaskView.running(m1.api, "roles").stream().anyMatch(t -> t.nodeId().equals(w1Id))
                        && TaskView.running(m1.api, "roles").size() == 2);
        Set<Long> pids = pids(m1.api);
        assertEquals(503, w1.api.call("GET", "/services", null).status(), "a worker serves no cluster state");
        assertFalse(io.orch.agent.seal.StoreKeyFile.exists(w1.dataDir), "a worker holds no store key");

        OrchBinary.Result promote = OrchBinary.cli(m1.host.commandPrefix(), m1.apiPort(), "node", "promote", "w1");
        assertEquals(0, promote.exit(), promote.toString());
        await("w1 is a reachable manager that serves the cluster API").atMost(DEADLINE).until(() -> {
            ClusterNodeView v = m1.api.node("w1").orElseThrow();
            return v.role().equals("manager") && v.reachability().equals("reachable")
                    && w1.api.call("GET", "/services", null).status() == 200;
        });
        assertEquals(List.of("roles"), w1.api.serviceNames(), "the new manager holds the replicated state");
        assertEquals(io.orch.agent.seal.StoreKeyFile.loadClear(m1.dataDir), io.orch.agent.seal.StoreKeyFile.loadClear(w1.dataDir),
                "the promoted node got the cluster's store key with its manager certificate");

        OrchBinary.Result demote = OrchBinary.cli(m1.host.commandPrefix(), m1.apiPort(), "node", "demote", "w1");
        assertEquals(0, demote.exit(), demote.toString());
        await("w1 is a worker again").atMost(DEADLINE).until(() ->
                m1.api.node("w1").orElseThrow().role().equals("worker")
                        && w1.api.call("GET", "/services", null).status() == 503);
        await("the demoted node dropped its store key").atMost(DEADLINE)
                .until(() -> !io.orch.agent.seal.StoreKeyFile.exists(w1.dataDir));
        // the group is m1 alone again: it commits writes by itself
        assertTrue(m1.api.createSleepService("after-demote", 0, "1").ok(), "the remaining manager has a quorum");

        await("the same tasks run throughout").atMost(DEADLINE).until(() ->
                TaskView.running(m1.api, "roles").size() == 2);
        assertEquals(pids, pids(m1.api), "role changes never restart the node's tasks");
    }

    private static Set<Long> pids(NodeApi api) {
        return TaskView.running(api, "roles").stream().map(TaskView::pid).collect(Collectors.toSet());
    }
}
