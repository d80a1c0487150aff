package io.orch.agent.worker;

import io.orch.api.concurrent.Backoff;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delays between retries of a step that failed temporarily: exponential from {@link #FIRST},
 * capped at {@link #MAX}, each spread by ±{@link #JITTER} so tasks that failed together (a
 * registry or the disk briefly unavailable) do not retry in lock step.
 */
final class RetryDelays {
    /** Quick enough that a blip costs the task almost nothing. */
    static final Duration FIRST = Duration.ofMillis(200);
    /** Long enough not to hammer a runtime that is down for a while. */
    static final Duration MAX = Duration.ofSeconds(5);
    static final double JITTER = 0.2;

    private final Backoff backoff;

    RetryDelays(RandomGenerator random) {
        this.backoff = new Backoff(FIRST, 2, MAX, JITTER, random::nextDouble);
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    Duration before(int attempt) {
        return backoff.delay(attempt - 1);
    }
}
