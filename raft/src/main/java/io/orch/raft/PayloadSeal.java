package io.orch.raft;

/**
 * How the store's bytes are protected at rest: every command the proposer hands to Raft and every
 * snapshot the state machine writes goes through {@link #seal}, and comes back through
 * {@link #unseal} before it is parsed. Raft's own metadata (terms, indexes, peer addresses) is not
 * the payload and stays in clear; it holds nothing secret.
 *
 * <p>The agent supplies the real one ({@link io.orch.raft.seal.AesGcmSeal} over the cluster's store
 * key); {@link #CLEAR} is for unit tests of the replication itself.
 */
public interface PayloadSeal {

    /** The sealed form of {@code clear}; never returns its argument unchanged (except {@link #CLEAR}). */
    byte[] seal(byte[] clear);

    /**
     * The clear bytes of {@code stored}.
     *
     * @throws UnsealException when {@code stored} was changed, sealed with another key, or is not sealed
     */
    byte[] unseal(byte[] stored);

    /** No protection at all: tests of Raft itself. Production never uses it. */
    PayloadSeal CLEAR = new PayloadSeal() {
        @Override
        public byte[] seal(byte[] clear) {
            return clear;
        }

        @Override
        public byte[] unseal(byte[] stored) {
            return stored;
        }

        @Override
        public String toString() {
            return "PayloadSeal.CLEAR";
        }
    };

    /** A stored payload that cannot be opened: tampered with, sealed under another key, or not sealed. */
    final class UnsealException extends RuntimeException {
        public UnsealException(String message) {
            super(message);
        }

        public UnsealException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
