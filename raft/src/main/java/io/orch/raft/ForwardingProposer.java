package io.orch.raft;

import io.orch.api.proto.StoreCommand;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link Proposer} that hands every call to another one: tests extend it to change one answer
 * of a {@link LocalProposer} (a replica whose reads are stale, a proposer that checks each
 * command) without restating the rest of the seam.
 */
public abstract class ForwardingProposer implements Proposer {
    private final Proposer delegate;

    protected ForwardingProposer(Proposer delegate) {
        this.delegate = delegate;
    }

    @Override
    public void start(CommandApplier applier) throws IOException {
        delegate.start(applier);
    }

    @Override
    public CompletableFuture<ApplyResult> propose(StoreCommand command) {
        return delegate.propose(command);
    }

    @Override
    public boolean alwaysCaughtUp() {
        return delegate.alwaysCaughtUp();
    }

    @Override
    public boolean isRunning() {
        return delegate.isRunning();
    }

    @Override
    public Optional<String> staleReads() {
        return delegate.staleReads();
    }

    @Override
    public boolean isLeader() {
        return delegate.isLeader();
    }

    @Override
    public void onLeadershipChange(Consumer<Boolean> listener) {
        delegate.onLeadershipChange(listener);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
