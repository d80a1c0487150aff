package io.orch.gossip.sim;

import io.orch.gossip.Address;
import io.orch.gossip.GossipConfig;
import io.orch.gossip.Member;
import io.orch.gossip.MemberState;
import io.orch.gossip.Membership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * A whole cluster of real {@link Membership} instances on a {@link SimulatedNetwork} in virtual time:
 * the production protocol code, with only the transport and the clock replaced. Everything random
 * (latencies, losses, each member's choices) derives from one seed, so a run can be replayed exactly.
 */
public final class SimulatedCluster {

    private final long seed;
    private final GossipConfig config;
    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final SimulatedNetwork network;
    private final Random random;
    private final List<String> names = new ArrayList<>();
    private final List<Address> addresses = new ArrayList<>();
    private final List<Membership> members = new ArrayList<>();
    private final boolean[] crashed;
    private final ClusterObserver observer;
    private int restarts;

    public SimulatedCluster(long seed, int size, GossipConfig config, double lossRate) {
        this.seed = seed;
        this.config = config;
        this.random = new Random(seed);
        this.network = new SimulatedNetwork(scheduler, new Random(seed * 31 + 7));
        network.setLossRate(lossRate);
        for (int i = 0; i < size; i++) {
            names.add(String.format("node-%04d", i));
            addresses.add(new Address("10.0." + (i / 250) + "." + (i % 250 + 1), 7946));
        }
        this.crashed = new boolean[size];
        this.observer = new ClusterObserver(names, scheduler);
        for (int i = 0; i < size; i++) {
            members.add(newMember(i, 0));
        }
    }

    private Membership newMember(int i, int generation) {
        return Membership.builder(names.get(i)).config(config)
                .transport(network.transport(addresses.get(i)))
                .scheduler(scheduler)
                .random(new Random(seed ^ (0x9E3779B97F4A7C15L * (i + 1)) ^ generation))
                .listener(observer.listenerFor(i))
                .build();
    }

    /** Starts a fresh process for crashed member {@code i}: same name and address, incarnation 0, joining via member 0. */
    public void restart(int i) {
        if (!crashed[i]) {
            throw new IllegalStateException("member " + i + " is running");
        }
        crashed[i] = false;
        observer.restarted(i);
        members.set(i, newMember(i, ++restarts));
        startWithRetries(i);
    }

    /**
     * Starts every member a few milliseconds apart, each joining through member 0 (as orch nodes join
     * through an established manager), then runs until every member sees all the others alive.
     * Returns the time that took; fails if it takes longer than {@code limit}.
     */
    public Duration startAll(Duration limit) {
        long begin = scheduler.nowMillis();
        if (!startAllAndAwait(limit)) {
            throw new IllegalStateException("seed " + seed + ": cluster of " + size() + " did not converge in " + limit);
        }
        return Duration.ofMillis(scheduler.nowMillis() - begin);
    }

    /**
     * Like {@link #startAll} but reports instead of failing: under heavy loss a large cluster always
     * has a few members briefly suspected somewhere, so "everyone sees everyone ALIVE" may never hold
     * at one instant. Returns whether it converged within {@code limit}.
     */
    public boolean startAllAndAwait(Duration limit) {
        members.get(0).start(List.of());
        for (int i = 1; i < members.size(); i++) {
            scheduler.runFor(Duration.ofMillis(2));
            startWithRetries(i);
        }
        return runUntil(this::converged, limit, Duration.ofMillis(500));
    }

    /** Starts member {@code i} through member 0 and, as an orch agent would, retries a failed join. */
    private void startWithRetries(int i) {
        List<String> seeds = List.of(addresses.get(0).toString());
        members.get(i).start(seeds).whenComplete((n, error) -> {
            if (error != null && !crashed[i]) {
                retryJoin(i, seeds);
            }
        });
    }

    private void retryJoin(int i, List<String> seeds) {
        members.get(i).join(seeds).whenComplete((n, error) -> {
            if (error != null && !crashed[i]) {
                retryJoin(i, seeds);
            }
        });
    }

    public void runFor(Duration duration) {
        scheduler.runFor(duration);
    }

    /** Runs in steps of {@code step} until {@code done} holds or {@code limit} passes; returns whether it held. */
    public boolean runUntil(java.util.function.BooleanSupplier done, Duration limit, Duration step) {
        long deadline = scheduler.nowMillis() + limit.toMillis();
        while (scheduler.nowMillis() < deadline) {
            scheduler.runFor(step);
            if (done.getAsBoolean()) {
                return true;
            }
        }
        return done.getAsBoolean();
    }

    /** Crashes member {@code i}: its sockets vanish, it says nothing. */
    public void kill(int i) {
        crashed[i] = true;
        observer.killed(i, scheduler.nowMillis());
        members.get(i).close();
    }

    /** Splits the members into those accepted by {@code sideA} and the rest; nothing crosses. */
    public void partition(IntPredicate sideA) {
        Set<Address> a = new HashSet<>();
        for (int i = 0; i < size(); i++) {
            if (sideA.test(i)) {
                a.add(addresses.get(i));
            }
        }
        network.partition((x, y) -> a.contains(x) == a.contains(y));
        observer.setReachable((x, y) -> sideA.test(x) == sideA.test(y));
    }

    public void heal() {
        network.heal();
        observer.setReachable((x, y) -> true);
    }

    /** Every running member sees exactly the running members as ALIVE, and no one else as live. */
    public boolean converged() {
        int running = runningCount();
        for (int i = 0; i < size(); i++) {
            if (crashed[i]) {
                continue;
            }
            if (members.get(i).stats().liveMembers() != running) {
                return false;
            }
        }
        for (int i = 0; i < size(); i++) {
            if (crashed[i]) {
                continue;
            }
            int alive = 0;
            for (Member m : members.get(i).members()) {
                if (m.state() == MemberState.ALIVE) {
                    alive++;
                }
            }
            if (alive != running) {
                return false;
            }
        }
        return true;
    }

    public int runningCount() {
        int running = 0;
        for (boolean c : crashed) {
            if (!c) {
                running++;
            }
        }
        return running;
    }

    public boolean isRunning(int i) {
        return !crashed[i];
    }

    public int size() {
        return members.size();
    }

    public Membership member(int i) {
        return members.get(i);
    }

    public String name(int i) {
        return names.get(i);
    }

    public long nowMillis() {
        return scheduler.nowMillis();
    }

    public long seed() {
        return seed;
    }

    public GossipConfig config() {
        return config;
    }

    public ClusterObserver observer() {
        return observer;
    }

    public SimulatedNetwork network() {
        return network;
    }

    public long tasksExecuted() {
        return scheduler.executed();
    }

    /** Starts counting messages (datagrams, and each TCP exchange as two) for {@link TrafficMeter#perMemberPerSecond()}. */
    public TrafficMeter meter() {
        return new TrafficMeter();
    }

    /** Messages per running member per second of virtual time since it was created. */
    public final class TrafficMeter {
        private final long startMillis = scheduler.nowMillis();
        private final long startMessages = messages();

        private long messages() {
            return network.datagramsSent() + 2 * network.tcpRequestsSent();
        }

        public double perMemberPerSecond() {
            double seconds = (scheduler.nowMillis() - startMillis) / 1000.0;
            return seconds <= 0 ? 0 : (messages() - startMessages) / seconds / runningCount();
        }
    }
}
