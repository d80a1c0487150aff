package io.orch.raft;

/**
 * Outcome of applying one command: committed at {@code index}; {@code error} is empty when the
 * transaction took effect, else why it was rejected (e.g. a version conflict), identically on
 * every replica.
 */
public record ApplyResult(long index, String error) {
    public static ApplyResult ok(long index) {
        return new ApplyResult(index, "");
    }

    public static ApplyResult rejected(long index, String error) {
        return new ApplyResult(index, error);
    }

    public boolean ok() {
        return error.isEmpty();
    }
}
