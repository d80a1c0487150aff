package io.orch.packaging.cluster;

import io.orch.packaging.cluster.ClusterFixture.Role;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bench/run leader-failover}: 3 managers as bin/orch processes on loopback; N rounds of
 * kill -9 of the Raft leader, each timing (a) kill -> a surviving manager's API names a new
 * leader among the survivors, and (b) kill -> the first write through a surviving manager's API
 * is accepted (a service create, sent at once after the kill and again after every failure, as
 * a client would). The killed manager is restarted between rounds. Goal for (b): under 1.5 s.
 */
public final class LeaderFailoverBench {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration GIVE_UP = Duration.ofSeconds(60);
    /** Longer than a proposal may wait for a leader (the propose timeout): the agent answers first. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(20);

    private LeaderFailoverBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, Map.of("rounds", "5", "keep-logs", "0"));
        int rounds = args.integer("rounds");
        List<Long> toLeader = new ArrayList<>();
        List<Long> toWrite = new ArrayList<>();
        try (ClusterFixture cluster = new ClusterFixture("bench-leader-failover", new PortBlocks(24200, 24300, true))) {
            try {
                if (args.integer("keep-logs") > 0) {
                    cluster.keepRun(); // the agents' logs hold the server-side timestamps of each failover
                }
                cluster.init("m1", NodeHost.LOOPBACK);
                cluster.join("m2", Role.MANAGER, NodeHost.LOOPBACK);
                cluster.join("m3", Role.MANAGER, NodeHost.LOOPBACK);
                for (int round = 1; round <= rounds; round++) {
                    AgentNode victim = cluster.awaitLeader(cluster.managers(), GIVE_UP);
                    List<AgentNode> survivors = cluster.managers().stream().filter(m -> m != victim).toList();
                    NodeApi writer = survivors.get(0).api;
                    accepted(write(writer, "warm-" + round), "a write before the kill"); // the write path is warm
                    Round r = killAndMeasure(victim, survivors, writer, round);
                    System.out.printf("%s round %d: killed leader %s; kill -> new leader %s named %d ms; kill -> write"
                                    + " through %s accepted %d ms (%d attempts); load %s%n",
                            java.time.Instant.now(), round, victim.name, r.newLeader, r.leaderMillis, survivors.get(0).name,
                            r.writeMillis, r.attempts, loadAverage());
                    toLeader.add(r.leaderMillis);
                    toWrite.add(r.writeMillis);
                    victim.restart(ClusterFixture.AGENT_READY);
                    cluster.awaitReady(cluster.managers(), GIVE_UP);
                }
            } catch (Throwable t) {
                cluster.markFailed("leader-failover: " + t);
                throw t;
            }
        }
        System.out.printf("%nleader-failover, 3 managers, %d rounds (load %s):%n", rounds, loadAverage());
        System.out.printf("  kill -9 leader -> new leader named:     %s %s%n", summary(toLeader), toLeader);
        System.out.printf("  kill -9 leader -> first write accepted: %s %s (goal < 1500 ms)%n", summary(toWrite), toWrite);
    }

    private record Round(String newLeader, long leaderMillis, long writeMillis, int attempts) {}

    /**
     * kill -9 at t0; one thread writes through {@code writer} until a write is accepted while this
     * one polls the survivors' node lists until one names a survivor as leader.
     */
    private static Round killAndMeasure(AgentNode victim, List<AgentNode> survivors, NodeApi writer, int round)
            throws Exception {
        long t0 = System.nanoTime();
        System.out.printf("%s round %d: kill -9 %s%n", java.time.Instant.now(), round, victim.name);
        victim.kill9();
        CompletableFuture<long[]> written = CompletableFuture.supplyAsync(() -> {
            long giveUp = t0 + GIVE_UP.toNanos();
            for (int attempt = 1; ; attempt++) {
                NodeApi.Reply r = write(writer, "r" + round + "-" + attempt);
                if (r.ok()) {
                    return new long[] {millisSince(t0), attempt};
                }
                if (System.nanoTime() > giveUp) {
                    throw new AssertionError("no write accepted within " + GIVE_UP.toSeconds() + " s: " + r);
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        });
        String newLeader = null;
        long leaderMillis = -1;
        long giveUp = t0 + GIVE_UP.toNanos();
        while (newLeader == null) {
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("no new leader named within " + GIVE_UP.toSeconds() + " s");
            }
            for (AgentNode m : survivors) {
                NodeApi.Reply r = m.api.call("GET", "/nodes", null, Duration.ofSeconds(2));
                if (r.status() == 200) {
                    for (var n : r.json()) {
                        ClusterNodeView v = new ClusterNodeView(n);
                        if (v.leader() && !v.hostname().equals(victim.name)) {
                            newLeader = v.hostname();
                        }
                    }
                }
                if (newLeader != null) {
                    leaderMillis = millisSince(t0);
                    break;
                }
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        long[] w = written.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS);
        return new Round(newLeader, leaderMillis, w[0], (int) w[1]);
    }

    /** A service with no replicas: one store write, nothing for the loops to start. */
    private static NodeApi.Reply write(NodeApi api, String name) {
        var spec = NodeApi.JSON.createObjectNode();
        spec.put("Name", "failover-" + name);
        var template = spec.putObject("TaskTemplate");
        var container = template.putObject("ContainerSpec");
        container.put("Image", "busybox");
        container.putArray("Args").add("sleep").add("1");
        template.put("Runtime", "process");
        spec.putObject("Mode").putObject("Replicated").put("Replicas", 0);
        return api.call("POST", "/services/create", spec.toString(), WRITE_TIMEOUT);
    }

    private static void accepted(NodeApi.Reply r, String what) {
        if (!r.ok()) {
            throw new AssertionError(what + ": " + r);
        }
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    static String summary(List<Long> xs) {
        List<Long> sorted = xs.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return "no rounds";
        }
        long p90 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.9 * sorted.size()) - 1));
        return String.format("median %d ms, p90 %d ms, max %d ms", BenchArgs.median(xs), p90, sorted.get(sorted.size() - 1));
    }

    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
