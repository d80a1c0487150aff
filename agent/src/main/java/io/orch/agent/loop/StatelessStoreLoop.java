package io.orch.agent.loop;

import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreEvent;

import java.time.Instant;

/**
 * A {@link StoreLoop} that reads everything it needs from the store on every pass (one object,
 * or a few), so it keeps no dirty set: events only wake it.
 */
public abstract class StatelessStoreLoop extends StoreLoop {
    protected StatelessStoreLoop(String name, ClusterStore store) {
        super(name, store);
    }

    @Override
    protected final void markAll(Instant now) {
        // nothing to mark: every pass reads what it needs
    }

    @Override
    protected final void mark(StoreEvent event) {
        // nothing to mark: every pass reads what it needs
    }
}
