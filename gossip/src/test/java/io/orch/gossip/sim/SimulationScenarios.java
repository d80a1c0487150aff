package io.orch.gossip.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.gossip.GossipConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The simulation scenarios, as plain static methods of a seed: the jqwik properties run them with
 * random seeds, and a seed that ever fails is replayed by calling the same method from a plain test
 * (see {@link SimulationTest#replayOfARecordedSeed()}). Protocol invariants are checked by
 * {@link ClusterObserver} after every membership event and throw at the faulty step.
 */
final class SimulationScenarios {

    static final int CLUSTER = 1000;
    static final double LOSS = 0.05;

    private SimulationScenarios() {
    }

    /**
     * 1,000 members, 5% loss: kill some, one every 700 ms; every survivor must declare every killed
     * member DEAD within the profile's bound, and no live member may be declared DEAD.
     */
    static void killedMembersAreDeclaredDeadEverywhere(long seed, int kills) {
        GossipConfig config = GossipConfig.lan();
        SimulatedCluster cluster = new SimulatedCluster(seed, CLUSTER, config, LOSS);
        cluster.startAll(Duration.ofSeconds(120));
        cluster.runFor(Duration.ofSeconds(2));

        Random random = new Random(seed);
        List<Integer> killed = new ArrayList<>();
        while (killed.size() < kills) {
            int victim = 1 + random.nextInt(CLUSTER - 1);
            if (!killed.contains(victim)) {
                killed.add(victim);
                cluster.kill(victim);
                cluster.runFor(Duration.ofMillis(700));
            }
        }
        long bound = GossipConfig.detectionBound(config, CLUSTER).toMillis();
        cluster.runFor(Duration.ofMillis(bound));

        for (int victim : killed) {
            assertEquals(List.of(), cluster.observer().lateOrMissingDetections(victim, bound),
                    "seed " + seed + ": survivors that did not declare member " + victim + " DEAD within " + bound + " ms");
        }
        assertEquals(List.of(), cluster.observer().falseDeaths(), "seed " + seed + ": live members declared DEAD");
        assertTrue(cluster.observer().eventsChecked() > (long) CLUSTER * kills, "invariants were checked on every event");
    }

    /** Messages per member per second in a quiet cluster of {@code size} members at 5% loss. */
    static double quietMessageRate(long seed, int size) {
        SimulatedCluster cluster = new SimulatedCluster(seed, size, GossipConfig.lan(), LOSS);
        cluster.startAll(Duration.ofSeconds(120));
        cluster.runFor(Duration.ofSeconds(5)); // let the join traffic drain
        SimulatedCluster.TrafficMeter meter = cluster.meter();
        cluster.runFor(Duration.ofSeconds(10));
        return meter.perMemberPerSecond();
    }

    /**
     * Splits the cluster into two halves for 30 s (each side declares the other DEAD), heals, and
     * requires that every member again sees every member ALIVE.
     */
    static void partitionedHalvesConvergeAfterHealing(long seed, int size) {
        SimulatedCluster cluster = new SimulatedCluster(seed, size, GossipConfig.lan(), LOSS);
        cluster.startAll(Duration.ofSeconds(120));
        cluster.partition(i -> i % 2 == 0);
        cluster.runFor(Duration.ofSeconds(30));
        assertTrue(cluster.member(0).liveMembers().size() <= size / 2 + 1,
                "seed " + seed + ": during the partition each side declares the other dead");
        cluster.heal();
        boolean converged = cluster.runUntil(cluster::converged, Duration.ofSeconds(120), Duration.ofSeconds(1));
        assertTrue(converged, "seed " + seed + ": both halves merged back into one membership");
    }
}
