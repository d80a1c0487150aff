package io.orch.raft.ratis;

import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Bounds the proposals one replica has in flight. Ratis' async client blocks the caller of
 * {@code send} once its own limit of outstanding requests is reached; the caller may be an API or
 * gRPC thread, so orch admits at most {@link #limit()} (below Ratis' limit) and refuses the next
 * one at once with an error that says to retry. A permit is held from the send until Ratis
 * answers that request (not until the caller's future completes: a proposal failed early for
 * want of a leader still holds Ratis' permit). Thread-safe.
 */
final class ProposalAdmission {
    private final int limit;
    private final Semaphore permits;

    ProposalAdmission(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0: " + limit);
        }
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    int limit() {
        return limit;
    }

    /** A permit, or the refusal to return to the proposer's caller. Release the permit exactly once. */
    Optional<ProposalFailedException> tryAdmit() {
        if (permits.tryAcquire()) {
            return Optional.empty();
        }
        return Optional.of(new ProposalFailedException("this manager already has " + limit
                + " proposals waiting for the cluster; try again", null));
    }

    void release() {
        permits.release();
    }

    int inFlight() {
        return limit - permits.availablePermits();
    }
}
