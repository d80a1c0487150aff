package io.orch.raft.ratis;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Several Ratis replicas of one group in this JVM, each with its own storage dir, loopback port
 * (21100-21199) and {@link SummingApplier}. Closes whatever it started.
 */
final class TestCluster implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(15);
    static final String CLUSTER_ID = "test-cluster";

    record Replica(String id, RaftSettings settings, RatisProposer proposer, SummingApplier applier) {
        boolean running() {
            return proposer.isRunning();
        }
    }

    private final Path root;
    private final UnaryOperator<RaftSettings> customize;
    private final Map<String, Replica> replicas = new LinkedHashMap<>();
    private final List<RatisProposer> started = new ArrayList<>();

    TestCluster(Path root, UnaryOperator<RaftSettings> customize) {
        this.root = root;
        this.customize = customize;
    }

    TestCluster(Path root) {
        this(root, s -> s);
    }

    static String loopback() {
        return "127.0.0.1:" + RatisTestSupport.rangePort();
    }

    /** Starts a new group whose voters are {@code ids}. */
    void startGroup(String... ids) throws IOException {
        startGroup(Map.of(), ids);
    }

    /** Starts a new group whose voters are {@code ids}, with the given appliers for some of them. */
    void startGroup(Map<String, SummingApplier> appliers, String... ids) throws IOException {
        Map<String, String> peers = new TreeMap<>();
        for (String id : ids) {
            peers.put(id, loopback());
        }
        for (String id : ids) {
            RaftSettings settings = RaftSettings.singleVoter(id, peers.get(id), CLUSTER_ID, root.resolve(id)).withPeers(peers);
            start(customize.apply(RatisTestSupport.fast(settings)), appliers.getOrDefault(id, new SummingApplier()));
        }
    }

    /** Starts a replica that joins the running group (it waits as a follower until added). */
    Replica startJoining(String id) throws IOException {
        String address = loopback();
        RaftSettings settings = RaftSettings.joining(id, address, address, leader().proposer().voters(), CLUSTER_ID,
                root.resolve(id));
        return start(customize.apply(RatisTestSupport.fast(settings)));
    }

    Replica start(RaftSettings settings) throws IOException {
        return start(settings, new SummingApplier());
    }

    Replica start(RaftSettings settings, SummingApplier applier) throws IOException {
        RatisProposer proposer = new RatisProposer(settings);
        started.add(proposer);
        proposer.start(applier);
        Replica replica = new Replica(settings.nodeId(), settings, proposer, applier);
        replicas.put(settings.nodeId(), replica);
        return replica;
    }

    Replica get(String id) {
        return replicas.get(id);
    }

    List<Replica> running() {
        return replicas.values().stream().filter(Replica::running).toList();
    }

    /**
     * Waits until one running replica is a ready leader and every other running voter names it
     * (a replica waiting to be added knows no leader yet).
     */
    Replica leader() {
        return await().atMost(DEADLINE).until(() -> {
            List<Replica> leaders = running().stream().filter(r -> r.proposer().isLeader()).toList();
            if (leaders.size() != 1) {
                return null;
            }
            Replica leader = leaders.get(0);
            boolean agreed = runningVoters(leader).stream()
                    .allMatch(r -> r.proposer().leaderId().filter(leader.id()::equals).isPresent());
            return agreed ? leader : null;
        }, r -> r != null);
    }

    private List<Replica> runningVoters(Replica leader) {
        var voters = leader.proposer().voters().keySet();
        return running().stream().filter(r -> voters.contains(r.id())).toList();
    }

    /** A running voter that is not the leader. */
    Replica aFollower() {
        Replica leader = leader();
        return runningVoters(leader).stream().filter(r -> r != leader).findFirst().orElseThrow();
    }

    void stop(String id) throws IOException {
        replicas.get(id).proposer().close();
    }

    /** Waits until every running replica applied the same entries (same values at the same indexes). */
    void awaitAllEqual() {
        await().atMost(DEADLINE).untilAsserted(() -> {
            List<Replica> running = running();
            Replica first = running.get(0);
            for (Replica r : running) {
                assertEquals(first.applier().indexes(), r.applier().indexes(), r.id() + " applied other entries than " + first.id());
                assertEquals(first.applier().values(), r.applier().values(), r.id() + " differs from " + first.id());
            }
        });
    }

    long propose(Replica via, long value) {
        return via.proposer().propose(SummingApplier.command(value)).orTimeout(10, TimeUnit.SECONDS).join().index();
    }

    @Override
    public void close() throws IOException {
        for (RatisProposer p : started) {
            p.close();
        }
    }
}
