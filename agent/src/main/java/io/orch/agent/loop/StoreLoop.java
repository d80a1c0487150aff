package io.orch.agent.loop;

import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;

/**
 * The usual shape of a manager loop (swarmkit's "one store, many loops"): mark what the events
 * make dirty, reconcile that against the store, write a batch. Subclasses never call each other;
 * they talk through the store. No thread here: a {@link LoopDriver} (or a test) calls
 * {@link #runOnce}.
 */
public abstract class StoreLoop implements ControlLoop {
    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final ClusterStore store;
    private final String name;

    protected StoreLoop(String name, ClusterStore store) {
        this.name = name;
        this.store = store;
    }

    @Override
    public final String name() {
        return name;
    }

    /** Marks everything for a full pass (at {@code now}; a loop may rate-limit its full passes). */
    protected abstract void markAll(Instant now);

    /** Records what an event makes dirty. */
    protected abstract void mark(StoreEvent event);

    /** Reconciles what is dirty; returns when it wants to run again even without events (or null). */
    protected abstract Instant reconcile(Instant now) throws Exception;

    @Override
    public void begin(Instant now) {
        markAll(now);
    }

    @Override
    public final Instant runOnce(List<StoreEvent> events, Instant now) throws Exception {
        if (events.isEmpty()) {
            markAll(now); // periodic full pass
        } else {
            events.forEach(this::mark);
        }
        try {
            return reconcile(now);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            markAll(now); // the retry looks at everything again
            throw e;
        }
    }
}
