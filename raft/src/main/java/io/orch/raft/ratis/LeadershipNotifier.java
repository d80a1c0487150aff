package io.orch.raft.ratis;

import io.orch.api.concurrent.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Delivers leadership changes to listeners, in order, on a thread of its own: Ratis raises them
 * on its apply and RPC threads, and a listener that starts control loops (which propose and wait)
 * must not block those. Repeated values are dropped, so listeners see true/false alternate.
 */
final class LeadershipNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeadershipNotifier.class);

    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService executor;
    private boolean leader; // only touched on the executor thread

    LeadershipNotifier(String name) {
        this.executor = Executors.newSingleThreadExecutor(DaemonThreads.factory("orch-raft-leadership-" + name));
    }

    /** Registers {@code listener} and tells it the current state (after any change already queued). */
    void add(Consumer<Boolean> listener) {
        // Added on the executor so a change already queued is not delivered twice to it.
        submit(() -> {
            listeners.add(listener);
            deliver(listener, leader);
        });
    }

    void publish(boolean isLeader) {
        submit(() -> {
            if (isLeader != leader) {
                leader = isLeader;
                listeners.forEach(l -> deliver(l, isLeader));
            }
        });
    }

    private void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closed) {
            LOG.debug("leadership change after close dropped");
        }
    }

    private static void deliver(Consumer<Boolean> listener, boolean isLeader) {
        try {
            listener.accept(isLeader);
        } catch (RuntimeException e) {
            LOG.error("leadership listener failed", e);
        }
    }

    /** Publishes a final false (if we were leader) and stops; listeners get nothing after this returns. */
    @Override
    public void close() {
        publish(false);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
