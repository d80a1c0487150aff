package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.packaging.cluster.ClusterFixture.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12, address allocation as processes: three managers (real Ratis, kill -9), a network
 * with a small subnet so addresses are freed and handed out again many times, and a service
 * scaled up and down until 500 tasks were created, with the leader killed and restarted every few
 * rounds. After every round no two unfinished tasks share an address, and no task has the
 * service's VIP. The tasks are never placed (a constraint no node meets): allocation happens when
 * the orchestrator creates them, so this needs no containers.
 */
class AddressAllocationIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60); // a deadline, not a goal
    private static final int TASKS = 500;
    private ClusterFixture cluster;

    @RegisterExtension
    final KeepRunOnFailure keepRunOnFailure = new KeepRunOnFailure(() -> cluster);

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void fiveHundredTasksAcrossLeaderKillsNeverShareAnAddress() throws Exception {
        cluster = new ClusterFixture("alloc", new PortBlocks(22900, 23000, false));
        cluster.init("a1", NodeHost.LOOPBACK);
        cluster.join("a2", Role.MANAGER, NodeHost.LOOPBACK);
        cluster.join("a3", Role.MANAGER, NodeHost.LOOPBACK);
        NodeApi api = cluster.awaitLeader(cluster.managers(), DEADLINE).api;
        assertTrue(api.call("POST", "/networks/create",
                "{\"Name\":\"pool\",\"Driver\":\"overlay\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.66.0.0/26\"}]}}").ok());
        assertTrue(api.call("POST", "/services/create", "{\"Name\":\"churn\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\",\"Args\":[\"sleep\",\"1\"]},\"Placement\":{\"Constraints\":[\"node.labels.never==1\"]},"
                + "\"Networks\":[{\"Target\":\"pool\"}]},\"Mode\":{\"Replicated\":{\"Replicas\":0}}}").ok());

        Random random = new Random(12);
        Set<String> seen = new HashSet<>();
        for (int round = 1; seen.size() < TASKS; round++) {
            if (round % 6 == 0) {
                AgentNode leader = cluster.awaitLeader(cluster.liveManagers(), DEADLINE);
                leader.kill9();
                cluster.awaitLeader(cluster.liveManagers(), DEADLINE);
                leader.restart(ClusterFixture.AGENT_READY);
            }
            int replicas = round % 2 == 1 ? 30 + random.nextInt(20) : random.nextInt(10);
            NodeApi via = cluster.awaitLeader(cluster.liveManagers(), DEADLINE).api;
            await("scaled to " + replicas).atMost(DEADLINE).until(() -> scale(via, replicas));
            await("round " + replicas + " converged").atMost(DEADLINE).until(() -> wanted(via) == replicas);
            checkAddresses(via, seen);
        }
        System.out.printf("%d tasks created, every round checked%n", seen.size());
    }

    private static boolean scale(NodeApi api, int replicas) {
        NodeApi.Reply got = api.call("GET", "/services/churn", null);
        if (!got.ok()) {
            return false;
        }
        JsonNode s = got.json();
        ObjectNode spec = s.path("Spec").deepCopy();
        ((ObjectNode) spec.path("Mode").path("Replicated")).put("Replicas", replicas);
        return api.call("POST", "/services/churn/update?version=" + s.path("Version").path("Index").asLong(), spec.toString()).ok();
    }

    /** Tasks the orchestrator wants, each holding an address on the network. */
    private static long wanted(NodeApi api) {
        long n = 0;
        for (JsonNode t : api.tasksOf("churn")) {
            if (t.path("DesiredState").asText().equals("running") && t.path("NetworksAttachments").path(0).path("Addresses").size() == 1) {
                n++;
            }
        }
        return n;
    }

    private static void checkAddresses(NodeApi api, Set<String> seen) {
        String vip = api.get("/services/churn").path("Endpoint").path("VirtualIPs").path(0).path("Addr").asText();
        Map<String, String> holders = new HashMap<>();
        for (JsonNode t : api.tasksOf("churn")) {
            seen.add(t.path("ID").asText());
            String state = t.path("Status").path("State").asText();
            if (Set.of("complete", "shutdown", "failed", "rejected", "orphaned", "remove").contains(state)) {
                continue;
            }
            for (JsonNode a : t.path("NetworksAttachments")) {
                for (JsonNode addr : a.path("Addresses")) {
                    String other = holders.put(addr.asText(), t.path("ID").asText());
                    assertTrue(other == null, "tasks " + other + " and " + t.path("ID").asText() + " share " + addr.asText());
                    assertTrue(!addr.asText().equals(vip), "task " + t.path("ID").asText() + " has the VIP " + vip);
                }
            }
        }
    }
}
