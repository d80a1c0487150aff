package io.orch.raft;

import io.orch.api.proto.StoreCommand;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A single-replica proposer with no log: applies each command at once, in call order. For unit
 * tests of the store and the manager loops; production always uses Ratis.
 */
public final class LocalProposer implements Proposer {
    // guarded by this
    private CommandApplier applier;
    private long index;

    @Override
    public synchronized void start(CommandApplier applier) {
        this.applier = applier;
        this.index = applier.lastAppliedIndex();
    }

    @Override
    public synchronized CompletableFuture<ApplyResult> propose(StoreCommand command) {
        if (applier == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("proposer not started"));
        }
        return CompletableFuture.completedFuture(applier.apply(++index, command));
    }

    @Override
    public boolean alwaysCaughtUp() {
        return true;
    }

    @Override
    public synchronized boolean isLeader() {
        return applier != null;
    }

    @Override
    public void onLeadershipChange(Consumer<Boolean> listener) {
        listener.accept(isLeader());
    }

    @Override
    public synchronized void close() {
        applier = null;
    }
}
