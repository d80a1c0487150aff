package io.orch.agent.metrics;

import java.time.Duration;

/**
 * The histogram buckets of orch's timers: a handful each, chosen for what they time, rather than
 * Micrometer's default percentile histogram (about 70 buckets per timer, times every label set).
 */
final class Buckets {
    private Buckets() {}

    /** Runtime operations and image pulls: from a fast stop to a slow pull. */
    static final Duration[] OPERATIONS = durations(10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 120_000);

    /** Gossip probe round trips on a LAN (the probe timeout is 500 ms). */
    static final Duration[] PROBES = durations(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000);

    private static Duration[] durations(long... millis) {
        Duration[] out = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            out[i] = Duration.ofMillis(millis[i]);
        }
        return out;
    }
}
