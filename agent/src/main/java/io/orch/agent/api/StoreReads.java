package io.orch.agent.api;

import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ReadTx;

/** {@link ClusterStore#read} for readers that may fail with an {@link ApiException} (e.g. 404). */
final class StoreReads {
    @FunctionalInterface
    interface Reader<T> {
        T read(ReadTx tx) throws ApiException;
    }

    private StoreReads() {}

    static <T> T read(ClusterStore store, Reader<T> reader) throws ApiException {
        try {
            return store.read(tx -> {
                try {
                    return reader.read(tx);
                } catch (ApiException e) {
                    throw new Carrier(e);
                }
            });
        } catch (Carrier c) {
            throw c.apiException;
        }
    }

    /** Carries the checked exception through the store's Function-typed reader. */
    private static final class Carrier extends RuntimeException {
        final ApiException apiException;

        Carrier(ApiException e) {
            super(e.getMessage(), null, false, false);
            this.apiException = e;
        }
    }
}
