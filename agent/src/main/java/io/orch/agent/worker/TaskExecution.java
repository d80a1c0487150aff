package io.orch.agent.worker;

import io.orch.api.concurrent.DaemonThreads;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Where the worker's task supervisors run and how they wait out a retry delay: a pool of
 * {@code orch-task} threads on wall time in the agent ({@link #threads()}), one thread on
 * virtual time in the manager simulation. Steps block on the runtime, so the pool grows with the
 * tasks being started or stopped at once, not with the tasks running.
 */
public interface TaskExecution extends AutoCloseable {
    /** Runs {@code work} (one supervisor's drive, a stop off the reconcile pass). */
    void execute(Runnable work);

    /** Runs {@code work} once {@code delay} has passed (a temporary failure's retry). */
    void executeAfter(Duration delay, Runnable work);

    /** Nothing more runs: the worker stops supervising (its tasks keep running). */
    @Override
    void close();

    /** Daemon threads on wall time: the agent's. */
    static TaskExecution threads() {
        ExecutorService pool = Executors.newCachedThreadPool(DaemonThreads.factory("orch-task"));
        return new TaskExecution() {
            @Override
            public void execute(Runnable work) {
                pool.execute(work);
            }

            @Override
            public void executeAfter(Duration delay, Runnable work) {
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, pool).execute(work);
            }

            @Override
            public void close() {
                pool.shutdownNow();
            }
        };
    }
}
