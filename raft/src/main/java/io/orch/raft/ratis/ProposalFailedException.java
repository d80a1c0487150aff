package io.orch.raft.ratis;

/**
 * A proposal that did not commit (no leader, no quorum, timed out, shut down). It may still
 * commit later (a timed-out request can be in the leader's log), so callers re-read and retry
 * rather than assume it had no effect; the store's optimistic version checks make a retry safe.
 */
public class ProposalFailedException extends RuntimeException {
    public ProposalFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
