package io.orch.bench.gossip;

import io.orch.gossip.GossipConfig;
import io.orch.gossip.Membership;
import io.orch.gossip.MembershipEvent;
import io.orch.gossip.MembershipListener;
import io.orch.gossip.sim.SimulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Figures for the gossip failure detector with the lan() profile.
 *
 * <p>Simulation (virtual time, the production protocol code on a simulated lossy LAN of 1-2 ms):
 * for each cluster size and loss rate, boot the cluster, measure traffic in a quiet 10 s window,
 * then kill members one every 700 ms and wait out the detection bound. "detect" is kill -> DEAD per
 * (killed member, survivor) pair; "all" is kill -> DEAD on the last survivor, per killed member.
 *
 * <p>Loopback: real members on 127.0.0.1 (Netty UDP + TCP) in this JVM, killed one at a time by
 * closing their sockets; kill -> DEAD on every survivor.
 *
 * <p>Usage: {@code GossipBenchmark [--quick]} (quick: 100 and 1,000 members only).
 */
public final class GossipBenchmark {

    private static final int[] SIZES = {100, 1000, 5000};
    private static final double[] LOSSES = {0.0, 0.05, 0.10};

    record SimRow(int members, double loss, long p50, long p99, long allP50, long allMax, int falseDeaths,
                  double messagesPerMemberPerSecond, long wallMillis) {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        GossipConfig config = GossipConfig.lan();
        System.out.println("gossip benchmark, lan() profile: probe " + config.probeInterval().toMillis() + " ms / timeout "
                + config.probeTimeout().toMillis() + " ms, suspicion mult " + config.suspicionMult() + " (max x"
                + config.suspicionMaxTimeoutMult() + ", k=" + config.suspicionConfirmations() + "), gossip "
                + config.gossipInterval().toMillis() + " ms x " + config.gossipNodes());
        System.out.println();
        System.out.println("simulation (virtual time, 1-2 ms latency; detect = kill->DEAD per survivor, all = kill->DEAD on the last survivor)");
        System.out.printf("%8s %5s %7s | %9s %9s | %9s %9s | %6s | %10s | %7s%n",
                "members", "loss", "kills", "detect50", "detect99", "all p50", "all max", "false", "msg/mbr/s", "wall s");
        SimRow headline = null;
        for (int size : SIZES) {
            if (quick && size > 1000) {
                continue;
            }
            for (double loss : LOSSES) {
                int kills = size <= 100 ? 10 : 20;
                SimRow row = simulate(config, size, loss, kills, 1000L + size);
                System.out.printf("%8d %4.0f%% %7d | %6d ms %6d ms | %6d ms %6d ms | %6d | %10.1f | %7.1f%n",
                        row.members, row.loss * 100, kills, row.p50, row.p99, row.allP50, row.allMax, row.falseDeaths,
                        row.messagesPerMemberPerSecond, row.wallMillis / 1000.0);
                if (size == 1000 && loss == 0.05) {
                    headline = row;
                }
            }
        }
        System.out.println();
        loopback(config, 15, 10);
        System.out.println();
        System.out.printf("gossip lan: detect p50 %d ms p99 %d ms, false deaths %d (1000 members, 5%% loss)%n",
                headline.p50, headline.p99, headline.falseDeaths);
    }

    static SimRow simulate(GossipConfig config, int size, double loss, int kills, long seed) {
        long wall = System.currentTimeMillis();
        SimulatedCluster cluster = new SimulatedCluster(seed, size, config, loss);
        if (!cluster.startAllAndAwait(Duration.ofSeconds(60))) {
            System.out.printf("    (%d members, %.0f%% loss: not every member saw every other ALIVE at one instant"
                    + " within 60 s of booting; measuring anyway)%n", size, loss * 100);
        }
        cluster.runFor(Duration.ofSeconds(5));
        SimulatedCluster.TrafficMeter meter = cluster.meter();
        cluster.runFor(Duration.ofSeconds(10));
        double rate = meter.perMemberPerSecond();
        Random random = new Random(seed);
        List<Integer> killed = new ArrayList<>();
        while (killed.size() < kills) {
            int victim = 1 + random.nextInt(size - 1);
            if (!killed.contains(victim)) {
                killed.add(victim);
                cluster.kill(victim);
                cluster.runFor(Duration.ofMillis(700));
            }
        }
        cluster.runFor(GossipConfig.detectionBound(config, size));
        List<Long> detect = sorted(cluster.observer().perObserverDetectionMillis());
        List<Long> all = sorted(cluster.observer().allSurvivorsDetectionMillis());
        return new SimRow(size, loss, percentile(detect, 50), percentile(detect, 99), percentile(all, 50),
                all.isEmpty() ? -1 : all.get(all.size() - 1), cluster.observer().falseDeaths().size(), rate,
                System.currentTimeMillis() - wall);
    }

    /** Real sockets: {@code size} members on loopback, {@code kills} of them closed abruptly one at a time. */
    static void loopback(GossipConfig config, int size, int kills) throws Exception {
        List<Membership> members = new ArrayList<>();
        ConcurrentHashMap<String, ConcurrentHashMap<String, Long>> deadSeen = new ConcurrentHashMap<>();
        for (int i = 0; i < size; i++) {
            String name = "bench-" + i;
            members.add(Membership.builder(name).config(config).bindAddress("127.0.0.1:0")
                    .listener(new MembershipListener() {
                        @Override
                        public void onEvent(MembershipEvent e) {
                            if (e.type() == MembershipEvent.Type.DEAD) {
                                deadSeen.computeIfAbsent(e.member().name(), k -> new ConcurrentHashMap<>())
                                        .putIfAbsent(name, System.nanoTime());
                            }
                        }
                    }).build());
        }
        members.get(0).start(List.of()).get(10, TimeUnit.SECONDS);
        String seed = members.get(0).localMember().address().toString();
        for (int i = 1; i < size; i++) {
            members.get(i).start(List.of(seed)).get(10, TimeUnit.SECONDS);
        }
        waitUntil(() -> members.stream().allMatch(m -> m.liveMembers().size() == size), 30_000);
        List<Long> allSurvivors = new ArrayList<>();
        int running = size;
        for (int k = 0; k < kills; k++) {
            Membership victim = members.get(size - 1 - k);
            long killedAt = System.nanoTime();
            victim.close();
            running--;
            int survivors = running;
            boolean seen = waitUntil(() -> deadSeen.getOrDefault(victim.name(), new ConcurrentHashMap<>()).size()
                    >= survivors, 30_000);
            if (seen) {
                long last = Collections.max(deadSeen.get(victim.name()).values());
                allSurvivors.add(TimeUnit.NANOSECONDS.toMillis(last - killedAt));
            }
            // Let the cluster settle before the next kill, as in the simulation.
            Thread.sleep(500); // benchmark pacing, not synchronisation
        }
        members.forEach(Membership::close);
        List<Long> sorted = sorted(allSurvivors);
        System.out.printf("loopback (real UDP/TCP sockets, %d members, lan()): kill -> DEAD on all survivors, "
                        + "median %d ms, max %d ms over %d kills%n", size, percentile(sorted, 50),
                sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1), sorted.size());
    }

    private static boolean waitUntil(java.util.function.BooleanSupplier condition, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }

    private static List<Long> sorted(List<Long> values) {
        List<Long> copy = new ArrayList<>(values);
        Collections.sort(copy);
        return copy;
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
