package io.orch.packaging.cluster;

import io.orch.packaging.cluster.ClusterFixture.Role;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bench/run gossip-soak}: agents as bin/orch processes while busy loops saturate every
 * core, for a while (default 600 s); every 500 ms a manager's GET /nodes is read, and each
 * transition of a node to DOWN while its agent process is alive counts as a false death.
 * No manager is killed, so every Raft election during the run is a false one too: counted from
 * the managers' logs (leaders elected and stepped down after the hogs started, {@link RaftRoleChanges})
 * and from the leader the polls name. None of either is the goal.
 */
public final class GossipSoakBench {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private GossipSoakBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, Map.of("duration", "600", "agents", "5", "managers", "3",
                "hogs", String.valueOf(2 * Runtime.getRuntime().availableProcessors())));
        int seconds = args.integer("duration");
        int agents = args.integer("agents");
        int managers = Math.min(args.integer("managers"), agents);
        int hogs = args.integer("hogs");
        if (managers < 1) {
            System.err.println("--managers must be at least 1");
            System.exit(2);
        }

        List<Process> hogProcesses = new ArrayList<>();
        Map<String, Integer> falseDeaths = new TreeMap<>();
        int unanswered = 0;
        int polls = 0;
        int leaderChanges = 0;
        RaftRoleChanges.Count raftChanges = null;
        try (ClusterFixture cluster = new ClusterFixture("bench-soak", new PortBlocks(22300, 22400, true))) {
            try {
                cluster.init("m1", NodeHost.LOOPBACK);
                for (int i = 2; i <= agents; i++) {
                    boolean manager = i <= managers;
                    cluster.join((manager ? "m" : "w") + i, manager ? Role.MANAGER : Role.WORKER, NodeHost.LOOPBACK);
                }
                cluster.awaitLeader(cluster.managers(), Duration.ofSeconds(60));
                cluster.awaitReady(cluster.nodes(), Duration.ofSeconds(60));
                for (int i = 0; i < hogs; i++) {
                    // a shell busy loop: a CPU burner with no JIT warm-up and nothing to clean up but its PID
                    hogProcesses.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
                }
                System.out.printf("gossip-soak: %d agents (%d managers), %d busy loops, %d s; load %s%n", agents, managers,
                        hogs, seconds, LeaderFailoverBench.loadAverage());
                RaftRoleChanges elections = RaftRoleChanges.from(cluster.managers());
                String leader = null;

                Map<String, String> lastState = new HashMap<>();
                long start = System.nanoTime();
                long end = start + TimeUnit.SECONDS.toNanos(seconds);
                long nextReport = start + TimeUnit.SECONDS.toNanos(60);
                int asked = 0;
                while (System.nanoTime() < end) {
                    long tick = System.nanoTime();
                    List<AgentNode> live = cluster.liveManagers();
                    NodeApi api = live.get(asked++ % live.size()).api; // any manager: they share one store
                    NodeApi.Reply r = api.call("GET", "/nodes", null, Duration.ofSeconds(2));
                    polls++;
                    if (r.status() != 200) {
                        unanswered++;
                    } else {
                        for (var n : r.json()) {
                            ClusterNodeView v = new ClusterNodeView(n);
                            if (v.leader() && !v.hostname().equals(leader)) {
                                if (leader != null) {
                                    leaderChanges++;
                                    System.out.printf("%s false election: %s leads instead of %s%n", Instant.now(),
                                            v.hostname(), leader);
                                }
                                leader = v.hostname();
                            }
                            String before = lastState.put(v.hostname(), v.state());
                            if (v.down() && before != null && !before.equals("down") && cluster.byName(v.hostname()).alive()) {
                                falseDeaths.merge(v.hostname(), 1, Integer::sum);
                                System.out.printf("%s false death: %s marked down while its agent runs%n", Instant.now(), v.hostname());
                            }
                        }
                    }
                    if (tick > nextReport) {
                        nextReport += TimeUnit.SECONDS.toNanos(60);
                        System.out.printf("%d s: %d false deaths, %s, %d of %d polls unanswered; load %s%n",
                                TimeUnit.NANOSECONDS.toSeconds(tick - start), total(falseDeaths), elections.count(),
                                unanswered, polls, LeaderFailoverBench.loadAverage());
                    }
                    LockSupport.parkNanos(Math.max(0, POLL_NANOS - (System.nanoTime() - tick)));
                }
                raftChanges = elections.count();
            } catch (Throwable t) {
                cluster.markFailed("gossip-soak: " + t);
                throw t;
            } finally {
                hogProcesses.forEach(Process::destroyForcibly);
            }
        }
        System.out.printf("%ngossip-soak, %d s under %d busy loops (load %s): false deaths %d %s (goal 0); false elections:"
                        + " %s, leader named changed %d times (goal 0); %d of %d polls unanswered%n",
                seconds, hogs, LeaderFailoverBench.loadAverage(), total(falseDeaths), falseDeaths, raftChanges, leaderChanges,
                unanswered, polls);
    }

    private static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
