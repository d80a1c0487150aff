package io.orch.agent.api;

import io.orch.raft.store.StoreException;

/** The work of one route. Errors are thrown: {@link ApiException} as is, {@link StoreException} by reason. */
@FunctionalInterface
public interface RouteHandler {
    ApiResponse handle(ApiRequest request) throws ApiException, StoreException;
}
