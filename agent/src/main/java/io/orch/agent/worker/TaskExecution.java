package io.orch.agent.worker;

import io.orch.api.concurrent.DaemonThreads;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the worker's task supervisors run and how they wait out a retry delay: a pool of
 * {@code orch-task} threads on wall time in the agent ({@link #threads()}), one thread on
 * virtual time in the manager simulation. Steps block on the runtime, so the pool grows with the
 * tasks being started or stopped at once, not with the tasks running.
 */
public interface TaskExecution extends AutoCloseable {
    /**
     * How long an {@code orch-task} thread outlives its last work. A burst of starts grows the pool
     * to one thread per task being started; with a cached pool's 60 s those threads (their stacks and
     * native state, about 0.1 MiB each) stayed a minute after the tasks ran. Making a thread costs
     * well under a millisecond next to a start's ~100 ms, so a short keep-alive costs nothing.
     */
    Duration IDLE_THREAD_KEEP_ALIVE = Duration.ofSeconds(5);

    /** Runs {@code work} (one supervisor's drive, a stop off the reconcile pass). */
    void execute(Runnable work);

    /** Runs {@code work} once {@code delay} has passed (a temporary failure's retry). */
    void executeAfter(Duration delay, Runnable work);

    /** Nothing more runs: the worker stops supervising (its tasks keep running). */
    @Override
    void close();

    /** Daemon threads on wall time: the agent's. */
    static TaskExecution threads() {
        ExecutorService pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE,
                IDLE_THREAD_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS, new SynchronousQueue<>(),
                DaemonThreads.factory("orch-task"));
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
