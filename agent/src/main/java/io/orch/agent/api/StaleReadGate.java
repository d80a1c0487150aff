package io.orch.agent.api;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.orch.raft.store.ClusterStore;

import java.util.List;
import java.util.Optional;

/**
 * A manager whose Raft log cannot be written (its disk filled up) applies none of the cluster's
 * changes until it recovers, so its lists and inspects of cluster objects would show an old state
 * as if it were current. They are refused with 503 naming the problem (and pointing at the other
 * managers) instead; writes are refused by the store already, and node-local routes (containers,
 * images, logs, info) keep answering.
 */
final class StaleReadGate {
    /** The routes that read the replicated store's objects. */
    private static final List<String> STORE_READS = List.of("/services", "/tasks", "/nodes", "/secrets", "/configs",
            "/networks", "/swarm");

    private StaleReadGate() {}

    static Router around(Router router, ClusterStore store) {
        return router.wrapping(StaleReadGate::readsTheStore, handler -> request -> {
            Optional<String> stale = store.proposer().staleReads();
            if (stale.isPresent()) {
                throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "this manager's copy of the cluster state is out of date ("
                        + stale.get() + "); ask another manager until it recovers");
            }
            return handler.handle(request);
        });
    }

    private static boolean readsTheStore(Router.Route route) {
        if (!route.method().equals(HttpMethod.GET)) {
            return false;
        }
        String t = route.template();
        return STORE_READS.stream().anyMatch(prefix -> t.equals(prefix) || t.startsWith(prefix + "/"));
    }
}
