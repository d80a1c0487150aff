package io.orch.raft.store;

/** A transaction that did not take effect, with a reason fit for an API error message. */
public class StoreException extends Exception {
    /**
     * CONFLICT and NOT_FOUND depend on the state the transaction met (a retry may succeed);
     * UNAVAILABLE on the store (no quorum, a failing disk); TOO_LARGE on the transaction alone: the
     * same request is refused every time ({@link TooLargeException}).
     */
    public enum Reason { CONFLICT, NOT_FOUND, UNAVAILABLE, TOO_LARGE }

    private final Reason reason;

    public StoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public StoreException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
