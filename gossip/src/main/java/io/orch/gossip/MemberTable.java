package io.orch.gossip;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Every member the local member knows, in a randomly ordered probe ring. Probing walks the ring in
 * order and reshuffles it after each full pass (SWIM's round-robin randomized probing: every member
 * is probed once per pass, so a dead member is found within one pass at worst, while the random
 * order keeps the members from probing the same target in lockstep). New members are inserted at a
 * random position. Dead and left members stay in the table (they are reconnect candidates and stop
 * stale gossip from resurrecting them) until reaped.
 */
final class MemberTable {

    private final Map<String, MemberEntry> byName = new HashMap<>();
    private final ArrayList<MemberEntry> ring = new ArrayList<>();
    private int probeIndex;
    private int liveCount;
    private int deadCount;

    MemberEntry get(String name) {
        return byName.get(name);
    }

    Collection<MemberEntry> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    int size() {
        return byName.size();
    }

    /** ALIVE + SUSPECT members, the local member included: the n of every scaling formula. */
    int liveCount() {
        return liveCount;
    }

    int deadCount() {
        return deadCount;
    }

    void add(MemberEntry entry, Random random) {
        if (byName.putIfAbsent(entry.name, entry) != null) {
            throw new IllegalStateException("duplicate member " + entry.name);
        }
        count(entry.state, +1);
        ring.add(entry);
        int swap = random.nextInt(ring.size());
        Collections.swap(ring, swap, ring.size() - 1);
    }

    void setState(MemberEntry entry, MemberState state, long now) {
        if (entry.state == state) {
            return;
        }
        count(entry.state, -1);
        entry.state = state;
        entry.stateChangedMillis = now;
        count(state, +1);
    }

    /**
     * The next live member to probe other than {@code self}, or null if there is none. At the end of a
     * pass the ring is reshuffled and members DEAD or LEFT for longer than {@code reapMillis} are forgotten.
     */
    MemberEntry nextProbeTarget(MemberEntry self, Random random, long now, long reapMillis) {
        for (int checked = 0; checked <= ring.size(); checked++) {
            if (probeIndex >= ring.size()) {
                reap(now, reapMillis);
                Collections.shuffle(ring, random);
                probeIndex = 0;
                if (ring.isEmpty()) {
                    return null;
                }
            }
            MemberEntry candidate = ring.get(probeIndex++);
            if (candidate != self && candidate.state.isLive()) {
                return candidate;
            }
        }
        return null;
    }

    /** Up to {@code k} distinct random members accepted by {@code filter}. */
    List<MemberEntry> randomMembers(int k, Predicate<MemberEntry> filter, Random random) {
        List<MemberEntry> picked = new ArrayList<>(k);
        int n = ring.size();
        // Rejection sampling: O(k) when most members qualify; gives up after 3n draws like memberlist.
        for (int tries = 0; tries < 3 * n && picked.size() < k; tries++) {
            MemberEntry candidate = ring.get(random.nextInt(n));
            if (filter.test(candidate) && !picked.contains(candidate)) {
                picked.add(candidate);
            }
        }
        return picked;
    }

    /** A uniformly random DEAD (not LEFT) member, or null. */
    MemberEntry randomDead(Random random) {
        if (deadCount == 0) {
            return null;
        }
        List<MemberEntry> dead = new ArrayList<>(deadCount);
        for (MemberEntry e : ring) {
            if (e.state == MemberState.DEAD) {
                dead.add(e);
            }
        }
        return dead.get(random.nextInt(dead.size()));
    }

    private void reap(long now, long reapMillis) {
        ring.removeIf(e -> {
            boolean gone = (e.state == MemberState.DEAD || e.state == MemberState.LEFT)
                    && now - e.stateChangedMillis >= reapMillis;
            if (gone) {
                byName.remove(e.name);
                count(e.state, -1);
            }
            return gone;
        });
    }

    private void count(MemberState state, int delta) {
        if (state.isLive()) {
            liveCount += delta;
        } else if (state == MemberState.DEAD) {
            deadCount += delta;
        }
    }
}
