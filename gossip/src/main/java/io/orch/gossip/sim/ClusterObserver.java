package io.orch.gossip.sim;

import io.orch.gossip.MembershipEvent;
import io.orch.gossip.MembershipListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * Watches every event of every simulated member and checks the protocol's invariants as each one
 * happens (a violation throws {@link InvariantViolation} out of the simulation, at the faulty step):
 * <ul>
 *   <li>only running members report events, and never about themselves;</li>
 *   <li>a member's incarnation, as seen by any observer, never decreases;</li>
 *   <li>state changes follow the rules: the first news of a member is ALIVE; SUSPECT only from ALIVE;
 *       back to ALIVE (or UPDATED) only with a strictly higher incarnation.</li>
 * </ul>
 * It also measures: kill -> DEAD per observer, kill -> DEAD on every survivor, and false deaths
 * (a running, reachable member declared DEAD), which are counted rather than thrown so the
 * benchmark can report them.
 */
public final class ClusterObserver {

    /** A broken protocol invariant, with the virtual time and the members involved. */
    public static final class InvariantViolation extends AssertionError {
        InvariantViolation(String message) {
            super(message);
        }
    }

    private static final byte UNKNOWN = 0;

    private final int n;
    private final Map<String, Integer> index;
    private final VirtualScheduler clock;
    private final byte[] state;
    private final long[] incarnation;
    /** Per (observer, subject): the last event was a LEFT announcing a restart. */
    private final boolean[] restartingLeft;
    private final boolean[] crashed;
    private final long[] killedAt;
    private final Map<Integer, long[]> deadAt = new HashMap<>();
    private final Map<Integer, Integer> deadReports = new HashMap<>();
    private final List<Long> perObserverDetection = new ArrayList<>();
    private final List<Long> allSurvivorsDetection = new ArrayList<>();
    private final List<String> falseDeaths = new ArrayList<>();
    private BiPredicate<Integer, Integer> reachable = (a, b) -> true;
    private long eventsChecked;
    private final Map<Integer, List<String>> userMessages = new HashMap<>();

    ClusterObserver(List<String> names, VirtualScheduler clock) {
        this.n = names.size();
        this.index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(names.get(i), i);
        }
        this.clock = clock;
        this.state = new byte[n * n];
        this.incarnation = new long[n * n];
        this.restartingLeft = new boolean[n * n];
        this.crashed = new boolean[n];
        this.killedAt = new long[n];
        Arrays.fill(killedAt, -1);
    }

    MembershipListener listenerFor(int observer) {
        return new MembershipListener() {
            @Override
            public void onEvent(MembershipEvent event) {
                ClusterObserver.this.onEvent(observer, event);
            }

            @Override
            public void onUserMessage(String origin, byte[] payload) {
                userMessages.computeIfAbsent(observer, k -> new ArrayList<>())
                        .add(origin + ": " + new String(payload, StandardCharsets.UTF_8));
            }
        };
    }

    /** The user broadcasts member {@code observer} heard, in order, as "origin: payload" (payload as UTF-8). */
    public List<String> userMessagesHeard(int observer) {
        return List.copyOf(userMessages.getOrDefault(observer, List.of()));
    }

    void killed(int member, long at) {
        crashed[member] = true;
        killedAt[member] = at;
        deadAt.put(member, filled(n));
        deadReports.put(member, 0);
    }

    /** A new process under the old name: its view starts from nothing. */
    void restarted(int member) {
        crashed[member] = false;
        Arrays.fill(state, member * n, member * n + n, UNKNOWN);
        Arrays.fill(incarnation, member * n, member * n + n, 0);
        Arrays.fill(restartingLeft, member * n, member * n + n, false);
    }

    /** While a partition is on, DEAD verdicts across it are expected, not false. */
    void setReachable(BiPredicate<Integer, Integer> reachable) {
        this.reachable = reachable;
    }

    private void onEvent(int observer, MembershipEvent event) {
        eventsChecked++;
        Integer subjectIndex = index.get(event.member().name());
        require(subjectIndex != null, observer, () -> "event about a stranger " + event.member().name());
        int subject = subjectIndex;
        require(!crashed[observer], observer, () -> "a crashed member reported " + event);
        require(subject != observer, observer, () -> "an event about itself: " + event);
        int pair = observer * n + subject;
        byte before = state[pair];
        long inc = event.member().incarnation();
        long prevInc = incarnation[pair];
        require(before == UNKNOWN || inc >= prevInc, observer,
                () -> "incarnation of " + event.member().name() + " went back from " + prevInc + ": " + event);
        MembershipEvent.Type type = event.type();
        switch (type) {
            case ALIVE -> require(before == UNKNOWN || (before != code(MembershipEvent.Type.ALIVE) && inc > prevInc),
                    observer, () -> "ALIVE without a higher incarnation: " + event + " after " + name(before));
            case UPDATED -> require(before == code(MembershipEvent.Type.ALIVE) && inc > prevInc, observer,
                    () -> "UPDATED of a member not alive or without a higher incarnation: " + event);
            case SUSPECT -> require(before == code(MembershipEvent.Type.ALIVE), observer,
                    () -> "SUSPECT of a member that was " + name(before) + ": " + event);
            case DEAD -> require(before == code(MembershipEvent.Type.ALIVE) || before == code(MembershipEvent.Type.SUSPECT),
                    observer, () -> "DEAD of a member that was " + name(before) + ": " + event);
            // a second LEFT only ends a restart grace that ran out
            case LEFT -> require(before != UNKNOWN && (before != code(MembershipEvent.Type.LEFT)
                            || (restartingLeft[pair] && !event.member().restarting() && inc == prevInc)), observer,
                    () -> "LEFT of a member that was " + name(before) + ": " + event);
            default -> { }
        }
        state[pair] = type == MembershipEvent.Type.UPDATED ? code(MembershipEvent.Type.ALIVE) : code(type);
        incarnation[pair] = inc;
        restartingLeft[pair] = type == MembershipEvent.Type.LEFT && event.member().restarting();
        if (type == MembershipEvent.Type.DEAD) {
            recordDeath(observer, subject);
        }
    }

    private void recordDeath(int observer, int subject) {
        long now = clock.nowMillis();
        if (!crashed[subject]) {
            if (reachable.test(observer, subject)) {
                falseDeaths.add("at " + now + " ms member " + observer + " declared live member " + subject + " DEAD");
            }
            return;
        }
        long[] times = deadAt.get(subject);
        if (times[observer] >= 0) {
            return;
        }
        times[observer] = now;
        perObserverDetection.add(now - killedAt[subject]);
        int reports = deadReports.merge(subject, 1, Integer::sum);
        if (reports == liveCount()) {
            allSurvivorsDetection.add(now - killedAt[subject]);
        }
    }

    private int liveCount() {
        int live = 0;
        for (boolean c : crashed) {
            if (!c) {
                live++;
            }
        }
        return live;
    }

    /**
     * Observers (running members) that had not declared {@code killed} DEAD within {@code boundMillis}
     * of its kill; empty means every survivor did.
     */
    public List<Integer> lateOrMissingDetections(int killed, long boundMillis) {
        List<Integer> late = new ArrayList<>();
        long[] times = deadAt.get(killed);
        for (int o = 0; o < n; o++) {
            if (!crashed[o] && (times[o] < 0 || times[o] - killedAt[killed] > boundMillis)) {
                late.add(o);
            }
        }
        return late;
    }

    /** kill -> DEAD, one sample per (killed member, surviving observer). */
    public List<Long> perObserverDetectionMillis() {
        return List.copyOf(perObserverDetection);
    }

    /** kill -> DEAD on the last survivor, one sample per killed member that every survivor declared. */
    public List<Long> allSurvivorsDetectionMillis() {
        return List.copyOf(allSurvivorsDetection);
    }

    public List<String> falseDeaths() {
        return List.copyOf(falseDeaths);
    }

    public long eventsChecked() {
        return eventsChecked;
    }

    /** The message is built only on failure: this runs for every event of a 1,000-member cluster. */
    private void require(boolean ok, int observer, Supplier<String> message) {
        if (!ok) {
            throw new InvariantViolation("at " + clock.nowMillis() + " ms, member " + observer + ": " + message.get());
        }
    }

    private static byte code(MembershipEvent.Type type) {
        return (byte) (type.ordinal() + 1);
    }

    private static String name(byte code) {
        return code == UNKNOWN ? "unknown" : MembershipEvent.Type.values()[code - 1].name();
    }

    private static long[] filled(int size) {
        long[] a = new long[size];
        Arrays.fill(a, -1);
        return a;
    }
}
