package io.orch.raft;

import io.orch.api.proto.StoreCommand;
import io.orch.api.proto.StoreSnapshot;

/**
 * The replicated state machine as the consensus layer sees it. Implementations are
 * deterministic: the same commands at the same indexes give the same state on every replica.
 * All methods are called from the consensus layer's single apply thread.
 */
public interface CommandApplier {

    /** Applies one committed command at log {@code index}; never throws for a rejected command. */
    ApplyResult apply(long index, StoreCommand command);

    /** The full state as of {@link #lastAppliedIndex()}. */
    StoreSnapshot snapshot();

    /** Replaces the whole state with {@code snapshot} (on start-up or when a leader sends one). */
    void restore(StoreSnapshot snapshot);

    long lastAppliedIndex();
}
