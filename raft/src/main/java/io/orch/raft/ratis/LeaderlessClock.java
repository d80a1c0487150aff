package io.orch.raft.ratis;

import java.time.Duration;
import java.util.Optional;

/**
 * How long a replica has been without a leader in view, from samples of its role. A sample says
 * either "a leader is in view, last heard this long ago" (a leader with a quorum's recent answers,
 * a follower that knows its leader) or "none" (a candidate, a follower that knows no leader). The
 * age of the last contact is kept, not the role's age: a leader that lost its followers steps
 * down to a follower that knows no leader, and its fresh role must not count as contact.
 * Thread-safe; times are {@link System#nanoTime()} values.
 */
final class LeaderlessClock {
    private long lastContactNanos; // guarded by this

    LeaderlessClock(long nowNanos) {
        this.lastContactNanos = nowNanos;
    }

    /** Records one sample; {@code contactAge} is empty when no leader is in view. */
    synchronized void observe(long nowNanos, Optional<Duration> contactAge) {
        contactAge.ifPresent(age -> lastContactNanos = Math.max(lastContactNanos, nowNanos - age.toNanos()));
    }

    /** Time since a leader was last in view (at most the time since this clock was created). */
    synchronized Duration leaderlessFor(long nowNanos) {
        return Duration.ofNanos(Math.max(0, nowNanos - lastContactNanos));
    }
}
