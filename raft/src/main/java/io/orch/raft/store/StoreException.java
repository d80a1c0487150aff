package io.orch.raft.store;

/** A transaction that did not take effect, with a reason fit for an API error message. */
public class StoreException extends Exception {
    public enum Reason { CONFLICT, NOT_FOUND, UNAVAILABLE }

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
