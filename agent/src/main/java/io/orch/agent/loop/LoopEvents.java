package io.orch.agent.loop;

import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.Subscription;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where a {@link LoopDriver} waits for work: a store subscription for the manager loops, a
 * worker's view of its assignments for the worker. Open from {@link LoopDriver#start()} to
 * {@link LoopDriver#close()}.
 */
public interface LoopEvents extends AutoCloseable {
    /**
     * Waits up to {@code wait} for something to happen and returns what did: the store events of
     * interest in log order, or an empty list when the wait ran out or the source has only a
     * "something changed" to say (the loop then makes a full pass).
     */
    List<StoreEvent> poll(Duration wait) throws InterruptedException;

    @Override
    void close();

    /** Opens the events a loop is interested in. */
    @FunctionalInterface
    interface Source {
        LoopEvents open(Predicate<StoreEvent> interest);
    }

    /** The store's subscription to the events of interest. */
    static Source of(ClusterStore store) {
        return interest -> {
            Subscription subscription = store.watch(interest);
            return new LoopEvents() {
                @Override
                public List<StoreEvent> poll(Duration wait) throws InterruptedException {
                    return subscription.pollAll(wait);
                }

                @Override
                public void close() {
                    subscription.close();
                }
            };
        };
    }
}
