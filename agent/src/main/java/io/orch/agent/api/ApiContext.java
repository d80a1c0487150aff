package io.orch.agent.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orch.raft.store.ClusterStore;

import java.time.Clock;
import java.util.Objects;

/**
 * Everything the API handlers need from the running agent.
 *
 * @param store       the replicated cluster store (reads are local, writes wait for commit)
 * @param nodeId      this node's id; its Node object is in the store
 * @param metrics     where request timings go, and what {@code GET /metrics} scrapes
 * @param clock       the agent's clock (time stamps written by the API)
 * @param orchVersion the orch release, shown in {@code /version}, {@code /info} and the Server header
 * @param services    node-local services (image store, task log directories); {@link ApiServices#none()} when absent
 * @param nodeControl live manager status and the Raft side of promote/demote/remove; {@link NodeControl#none()} when absent
 */
public record ApiContext(ClusterStore store, String nodeId, PrometheusMeterRegistry metrics, Clock clock,
                         String orchVersion, ApiServices services, NodeControl nodeControl) {
    /** A context without node-local services (store-only routes; images and logs answer 501). */
    public ApiContext(ClusterStore store, String nodeId, PrometheusMeterRegistry metrics, Clock clock, String orchVersion) {
        this(store, nodeId, metrics, clock, orchVersion, ApiServices.none());
    }

    /** A context whose node routes show the stored manager status and change roles in the store only. */
    public ApiContext(ClusterStore store, String nodeId, PrometheusMeterRegistry metrics, Clock clock, String orchVersion,
                      ApiServices services) {
        this(store, nodeId, metrics, clock, orchVersion, services, NodeControl.none());
    }

    public ApiContext {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(orchVersion, "orchVersion");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(nodeControl, "nodeControl");
    }
}
