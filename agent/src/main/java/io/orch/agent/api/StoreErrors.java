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
            // the request itself is wrong (an object over the store's size caps): Docker's
            // InvalidParameter, which the CLI shows as is; retrying the same request never helps
            case TOO_LARGE -> HttpResponseStatus.BAD_REQUEST;
        };
    }

    /** A version-checked write lost the race: Docker's text, which the CLI shows as is. */
    static boolean outOfSequence(StoreException e) {
        return e.reason() == StoreException.Reason.CONFLICT && e.getMessage() != null
                && e.getMessage().startsWith("update out of sequence");
    }
}
