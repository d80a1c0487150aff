package io.orch.api.concurrent;

/**
 * Monotonic time for decisions made on elapsed time (heartbeats, expiry), handed in so a test can
 * drive them on virtual time. Wall time ({@link java.time.Clock}) may jump; this never goes back.
 */
@FunctionalInterface
public interface Ticker {
    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanos();

    /** The JVM's monotonic clock. */
    static Ticker system() {
        return System::nanoTime;
    }
}
