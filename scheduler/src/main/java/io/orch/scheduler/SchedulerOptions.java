package io.orch.scheduler;

/**
 * @param strategy         spread (default) or bin-pack
 * @param seed             the only source of randomness: the order in which equally good nodes are
 *                         tried. Same seed and same input, same placement.
 * @param candidateLimit   how many fitting nodes a pick compares (0: about log2 of the cluster size, at least 2)
 * @param failureThreshold a node with this many recent failures of a service is used for that
 *                         service only when no other node fits (Swarm's maxFailures); fewer failures
 *                         still rank a node lower among equals
 */
public record SchedulerOptions(Strategy strategy, long seed, int candidateLimit, int failureThreshold) {
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    public static final SchedulerOptions DEFAULTS = new SchedulerOptions(Strategy.SPREAD, 0, 0, DEFAULT_FAILURE_THRESHOLD);

    public SchedulerOptions {
        if (candidateLimit < 0 || failureThreshold < 1) {
            throw new IllegalArgumentException("candidateLimit must be >= 0 and failureThreshold >= 1");
        }
    }

    public static SchedulerOptions of(Strategy strategy, long seed) {
        return new SchedulerOptions(strategy, seed, 0, DEFAULT_FAILURE_THRESHOLD);
    }

    /** The candidate limit for a cluster of {@code n} nodes: ceil(log2 n), at least 2, unless set. */
    int limitFor(int n) {
        if (candidateLimit > 0) {
            return candidateLimit;
        }
        int log2 = n <= 1 ? 1 : 32 - Integer.numberOfLeadingZeros(n - 1);
        return Math.max(2, log2);
    }
}
