package io.orch.raft;

import io.orch.api.proto.StoreCommand;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The consensus seam (swarmkit's state/proposer.go): the store hands every transaction to a
 * Proposer, which replicates it and applies it, in log order, through the {@link CommandApplier}
 * on every replica. Ratis implements it in production; {@link LocalProposer} in unit tests.
 */
public interface Proposer extends AutoCloseable {

    /**
     * Starts replication and brings {@code applier} up to date (latest snapshot, then the log
     * after it). Returns once the local replica has applied everything it had on disk.
     */
    void start(CommandApplier applier) throws IOException;

    /**
     * Replicates {@code command}. Completes after it is committed (fsynced on a quorum) and
     * applied locally, with the result of applying it; completes exceptionally when it could
     * not be committed (no leader, no quorum, shut down).
     */
    CompletableFuture<ApplyResult> propose(StoreCommand command);

    /** True for a lone replica that applies each command as it is proposed: it can never lag behind a group. */
    default boolean alwaysCaughtUp() {
        return false;
    }

    /** False once closed (or failed): nothing proposed will commit any more. */
    default boolean isRunning() {
        return true;
    }

    /**
     * Why this replica's store is out of date and must not be read as the cluster's state (its
     * log cannot be written, so it applies nothing new), or empty while it follows the log.
     */
    default Optional<String> staleReads() {
        return Optional.empty();
    }

    /** Whether this replica is the leader now (the one that runs the control loops). */
    boolean isLeader();

    /** Called with true when this replica becomes leader and false when it stops being leader. */
    void onLeadershipChange(Consumer<Boolean> listener);

    @Override
    void close() throws IOException;
}
