package io.orch.api.concurrent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter (as kafka's {@code ExponentialBackoff}): the delay after the
 * n-th consecutive failure (n from 0) is {@code first * multiplier^n}, capped at {@code max},
 * then spread by +/- {@code jitter} so that many retriers do not wake in step. Immutable; the
 * caller counts its failures.
 */
public final class Backoff {
    private final long firstNanos;
    private final double multiplier;
    private final long maxNanos;
    private final double jitter;
    private final DoubleSupplier random;

    /**
     * @param jitter fraction in [0, 1): 0.2 spreads each delay over +/- 20%
     * @param random uniform values in [0, 1), injected so that tests are deterministic
     */
    public Backoff(Duration first, double multiplier, Duration max, double jitter, DoubleSupplier random) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, got " + first + " and " + max);
        }
        if (multiplier < 1 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("backoff needs multiplier >= 1 and 0 <= jitter < 1");
        }
        this.firstNanos = first.toNanos();
        this.multiplier = multiplier;
        this.maxNanos = max.toNanos();
        this.jitter = jitter;
        this.random = random;
    }

    /** Doubling from {@code first} up to {@code max}, with 20% jitter. */
    public static Backoff doubling(Duration first, Duration max) {
        return new Backoff(first, 2, max, 0.2, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Doubling from {@code first} up to {@code max}, with no jitter (for pure, replayable planners). */
    public static Backoff doublingExact(Duration first, Duration max) {
        return new Backoff(first, 2, max, 0, () -> 0.5);
    }

    /** The delay before the next attempt after {@code failures} consecutive failures (0 = first retry). */
    public Duration delay(int failures) {
        double base = firstNanos * Math.pow(multiplier, Math.max(0, failures));
        double capped = Math.min(base, maxNanos);
        double spread = jitter == 0 ? capped : capped * (1 - jitter + 2 * jitter * random.getAsDouble());
        return Duration.ofNanos((long) spread);
    }

    public Duration max() {
        return Duration.ofNanos(maxNanos);
    }
}
