package io.orch.agent.metrics;

import io.orch.scheduler.network.NetworkPlanner;

import java.util.List;
import java.util.Locale;

/**
 * The bounded label a pending task's explanation counts under in
 * {@code orch_scheduler_pending_tasks{reason}}. The scheduler explains every node it rejected
 * ({@code no suitable node (insufficient memory on 3 nodes; constraint ... not met on 2 nodes)});
 * the first clause, the first check in pipeline order that rejected a node, names the reason.
 * Explanations carry names and numbers, so they are never labels themselves.
 */
enum PendingReason {
    CONSTRAINT("constraint "),
    RESOURCES("insufficient "),
    PLATFORM("unsupported platform"),
    HOST_PORT("host-mode port "),
    IMAGE("image "),
    MAX_REPLICAS("max replicas per node"),
    RUNTIME("runtime "),
    NODES_UNAVAILABLE(null),
    NO_NODES("no nodes in the cluster"),
    NETWORK_ADDRESS(null),
    OTHER(null);

    private final String clausePrefix;

    PendingReason(String clausePrefix) {
        this.clausePrefix = clausePrefix;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static final List<PendingReason> ALL = List.of(values());

    /** The reason of a pending task whose status error is {@code err}. */
    static PendingReason of(String err) {
        if (err.startsWith(NetworkPlanner.NO_ADDRESS) || err.startsWith("waiting for an address on network")) {
            return NETWORK_ADDRESS;
        }
        String prefix = "no suitable node (";
        if (!err.startsWith(prefix)) {
            return OTHER;
        }
        String first = err.substring(prefix.length()).split("; ", 2)[0];
        for (PendingReason r : values()) {
            if (r.clausePrefix != null && first.startsWith(r.clausePrefix)) {
                return r;
            }
        }
        // the readiness filter's clause starts with a count: "3 nodes not available (down, paused or drained)"
        return first.contains(" not available (") ? NODES_UNAVAILABLE : OTHER;
    }
}
