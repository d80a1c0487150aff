package io.orch.packaging.cluster;

import io.orch.packaging.cluster.ClusterFixture.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Metrics end to end: 3 managers and a worker, each agent with {@code --metrics-addr}. A service
 * runs, one of its task processes is killed (the cluster restarts it), the leader is kill -9'd (a
 * leader change); then a surviving manager is scraped through its metrics listener and through
 * its API, and every metric docs/metrics.md documents for a manager is there with a sensible
 * value; the worker's scrape has the worker-only ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {
    private static final Duration LIMIT = Duration.ofSeconds(90); // a deadline, not a goal
    private static final int REPLICAS = 4;
    /** The metrics listener's port within each agent's block of ports (P..P+3 are the agent's own). */
    private static final int METRICS_OFFSET = 4;

    private ClusterFixture cluster;
    private AgentNode worker;

    @RegisterExtension
    final KeepRunOnFailure keepRunOnFailure = new KeepRunOnFailure(() -> cluster);

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new ClusterFixture("metrics", new PortBlocks(29300, 29400, true))
                .beforeStart(n -> n.extraFlags = List.of("--metrics-addr", "127.0.0.1:" + metricsPort(n)));
        try {
            cluster.init("m1", NodeHost.LOOPBACK);
            cluster.join("m2", Role.MANAGER, NodeHost.LOOPBACK);
            cluster.join("m3", Role.MANAGER, NodeHost.LOOPBACK);
            worker = cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
            cluster.awaitLeader(cluster.managers(), LIMIT);
            cluster.awaitReady(cluster.nodes(), LIMIT);
        } catch (Throwable t) {
            cluster.markFailed("cluster setup: " + t);
            throw t;
        }
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int metricsPort(AgentNode n) {
        return n.port + METRICS_OFFSET;
    }

    private static Scrape scrapeListener(AgentNode n) {
        HttpResponse<String> r = Scrape.get("http://127.0.0.1:" + metricsPort(n) + "/metrics");
        assertEquals(200, r.statusCode(), n.name + "'s metrics listener: " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                "Prometheus text format: " + r.headers().map());
        return Scrape.parse(r.body());
    }

    private static Scrape scrapeApi(AgentNode n) {
        NodeApi.Reply r = n.api.call("GET", "/metrics", null);
        assertEquals(200, r.status(), n.name + "'s API /metrics: " + r);
        return Scrape.parse(r.body());
    }

    private double sumOverLive(String name, Map<String, String> labels) {
        return cluster.nodes().stream().filter(AgentNode::alive).mapToDouble(n -> scrapeListener(n).sum(name, labels)).sum();
    }

    @Test
    void aSurvivingManagerExportsEveryDocumentedMetricWithSensibleValues() throws Exception {
        AgentNode leader = cluster.awaitLeader(cluster.liveManagers(), LIMIT);
        String tag = ClusterFixture.sleepTag();
        assertTrue(leader.api.createSleepService("metered", REPLICAS, tag).ok());
        await("metered runs " + REPLICAS + " tasks").atMost(LIMIT).untilAsserted(() ->
                assertEquals(REPLICAS, TaskView.running(leader.api, "metered").size()));
        double startsBefore = sumOverLive("orch_task_starts_total", Map.of());
        assertTrue(startsBefore >= REPLICAS, "task starts on the nodes: " + startsBefore);

        // a task's process dies: the orchestrator replaces the task in its slot, a restart
        TaskView victim = TaskView.running(leader.api, "metered").get(0);
        assertTrue(ProcessHandle.of(victim.pid()).map(ProcessHandle::destroyForcibly).orElse(false), "killed " + victim);
        await("the killed task's slot runs again and a restart is counted").atMost(LIMIT).untilAsserted(() -> {
            assertTrue(TaskView.running(leader.api, "metered").stream().anyMatch(t -> t.slot() == victim.slot()
                    && !t.id().equals(victim.id())), "slot " + victim.slot() + " runs a new task");
            assertTrue(sumOverLive("orch_task_restarts_total", Map.of()) >= 1, "a restart counted on some node");
        });

        // the leader dies: the other managers elect one, and count the change
        List<AgentNode> survivors = cluster.liveManagers().stream().filter(m -> m != leader).toList();
        Map<String, Double> changesBefore = new LinkedHashMap<>();
        for (AgentNode m : survivors) {
            changesBefore.put(m.name, scrapeListener(m).sum("orch_raft_leader_changes_total"));
        }
        String deadId = leader.selfAsSeenBy(leader.api).id();
        leader.kill9();
        HostProcesses.killUnder(leader.dataDir); // its tasks: nobody stops them now
        AgentNode newLeader = cluster.awaitLeader(survivors, LIMIT);
        AgentNode surviving = survivors.stream().filter(m -> m != newLeader).findFirst().orElseThrow();
        cluster.awaitDown(List.of(leader), LIMIT);
        await("metered runs " + REPLICAS + " tasks on live nodes").atMost(LIMIT).untilAsserted(() -> {
            List<TaskView> running = TaskView.running(newLeader.api, "metered");
            assertEquals(REPLICAS, running.size(), running.toString());
            assertTrue(running.stream().noneMatch(t -> t.nodeId().equals(deadId)), "none on the dead leader: " + running);
        });

        Map<String, String> where = documentedWhere();
        Set<String> forManagers = where.entrySet().stream().filter(e -> !e.getValue().equals("workers"))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        for (AgentNode m : survivors) {
            await(m.name + " exports every documented manager metric with sensible values").atMost(LIMIT)
                    .untilAsserted(() -> {
                        Scrape s = scrapeListener(m);
                        List<String> missing = forManagers.stream().filter(name -> !s.has(name)).toList();
                        assertTrue(missing.isEmpty(), m.name + " lacks " + missing);
                        assertTrue(s.sum("orch_raft_leader_changes_total") > changesBefore.get(m.name),
                                m.name + " counted the leader change: " + changesBefore.get(m.name) + " -> "
                                        + s.sum("orch_raft_leader_changes_total"));
                        assertTrue(s.sum("orch_raft_leader_changes_total") >= 1);
                        assertTrue(s.sum("orch_raft_commit_seconds_count") > 0, "commit latency recorded");
                        assertTrue(s.sum("orch_raft_log_size_bytes") > 0, "a Raft log on disk");
                        assertTrue(s.sum("orch_raft_apply_lag_entries") >= 0);
                        assertTrue(s.sum("orch_tasks", Map.of("state", "running")) >= REPLICAS,
                                "the store's running tasks: " + s.of("orch_tasks"));
                        assertTrue(s.sum("orch_gossip_deaths_total") >= 1, "the leader's death was seen");
                        assertTrue(s.sum("orch_gossip_probes_total", Map.of("result", "direct")) > 0);
                        assertTrue(s.sum("orch_gossip_probe_rtt_seconds_count") > 0);
                        assertTrue(s.sum("orch_node_tasks", Map.of("state", "running")) >= 1, "runs a task of metered");
                        assertTrue(s.sum("orch_reconcile_seconds_count", Map.of("loop", "worker")) > 0);
                        List<Scrape.Sample> memory = s.of("orch_task_memory_bytes").stream()
                                .filter(x -> x.labels().get("service").equals("metered")).toList();
                        assertFalse(memory.isEmpty(), "per-task memory of metered on " + m.name);
                        for (Scrape.Sample x : memory) {
                            assertTrue(x.value() > 0, "memory of a running task: " + x);
                            assertEquals(m.name, x.labels().get("node"));
                        }
                        assertFalse(s.of("orch_task_cpu_seconds_total").isEmpty(), "per-task CPU");
                    });
        }
        await("the survivors' leader, starts and placements").atMost(LIMIT).untilAsserted(() -> {
            assertEquals(1.0, survivors.stream().mapToDouble(m -> scrapeListener(m).sum("orch_raft_is_leader")).sum(),
                    "one leader among the survivors");
            double starts = sumOverLive("orch_task_starts_total", Map.of());
            assertTrue(starts >= REPLICAS, "the surviving nodes started at least a task per replica: " + starts);
            assertTrue(sumOverLive("orch_runtime_operation_seconds_count", Map.of("runtime", "process", "operation", "start"))
                    >= REPLICAS, "process starts are timed");
            assertTrue(sumOverLive("orch_scheduler_placements_total", Map.of()) >= 1, "the new leader placed the replacement");
        });

        // the same registry through the API; its route label is the pattern, never the raw path
        Scrape api = scrapeApi(surviving);
        List<String> missingInApi = forManagers.stream().filter(name -> !api.has(name)).toList();
        assertTrue(missingInApi.isEmpty(), "the API's /metrics lacks " + missingInApi);
        Set<String> routes = api.of("orch_api_request_seconds_count").stream().map(x -> x.labels().get("route"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(routes.contains("/metrics"), "routes: " + routes);
        String victimId = victim.id();
        assertTrue(routes.stream().noneMatch(r -> r.contains(victimId) || r.contains("metered") || r.contains("?")),
                "route labels are patterns: " + routes);

        // the listener serves metrics only
        assertEquals(404, Scrape.get("http://127.0.0.1:" + metricsPort(surviving) + "/info").statusCode());
        assertEquals(404, Scrape.get("http://127.0.0.1:" + metricsPort(surviving) + "/services").statusCode());

        // the worker: its dispatcher session, and the per-node metrics every node has
        Set<String> forWorkers = where.entrySet().stream()
                .filter(e -> e.getValue().equals("workers") || e.getValue().equals("every node"))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        await("the worker's session is up again and every worker metric is there").atMost(LIMIT).untilAsserted(() -> {
            Scrape w = scrapeListener(worker);
            List<String> missing = forWorkers.stream().filter(name -> !w.has(name)).toList();
            assertTrue(missing.isEmpty(), "w1 lacks " + missing);
            assertEquals(1.0, w.sum("orch_dispatcher_session_connected"));
            assertFalse(w.has("orch_raft_is_leader"), "a worker has no Raft replica");
        });
    }

    /** docs/metrics.md's table: metric name to its "where" column (every node, managers, workers, tasks). */
    private static Map<String, String> documentedWhere() throws IOException {
        Path doc = Path.of("..", "docs", "metrics.md");
        Map<String, String> where = new LinkedHashMap<>();
        for (String line : Files.readAllLines(doc)) {
            if (!line.startsWith("| `orch_")) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (String c : line.split("\\|")) {
                cells.add(c.strip());
            }
            // "", name, type, labels, where, what
            where.put(cells.get(1).replace("`", ""), cells.get(4));
        }
        assertTrue(where.size() >= 20, "docs/metrics.md's table: " + where);
        return where;
    }
}
