package io.orch.gossip.time;

import java.util.concurrent.Executor;

/**
 * The clock and timer seam. The protocol never reads the wall clock or sleeps: it asks its scheduler,
 * so the same code runs on a real thread ({@link ExecutorScheduler}) or in virtual time
 * ({@code io.orch.gossip.sim.VirtualScheduler}). Tasks of one scheduler never run concurrently.
 */
public interface Scheduler extends Executor {

    /** Monotonic milliseconds; only differences are meaningful. */
    long nowMillis();

    /** Runs {@code task} after {@code delayMillis} (0 = as soon as possible, after already queued tasks). */
    Cancellable schedule(long delayMillis, Runnable task);

    /** Runs {@code task} as soon as possible, after already queued tasks. */
    @Override
    default void execute(Runnable task) {
        schedule(0, task);
    }

    /** Stops running tasks; tasks queued later are ignored. */
    default void shutdown() {
    }
}
