package io.orch.agent.api;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.raft.store.StoreException;

/** How store failures become HTTP statuses. */
final class StoreErrors {
    private StoreErrors() {}

    static HttpResponseStatus status(StoreException e) {
        return switch (e.reason()) {
            case CONFLICT -> HttpResponseStatus.CONFLICT;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
        };
    }

    /** A version-checked write lost the race: Docker's text, which the CLI shows as is. */
    static boolean outOfSequence(StoreException e) {
        return e.reason() == StoreException.Reason.CONFLICT && e.getMessage() != null
                && e.getMessage().startsWith("update out of sequence");
    }
}
