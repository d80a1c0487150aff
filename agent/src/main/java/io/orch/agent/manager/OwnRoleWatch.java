package io.orch.agent.manager;

import io.micrometer.core.instrument.MeterRegistry;
import io.orch.agent.loop.StoreLoop;
import io.orch.api.proto.NodeSpec;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * On every manager (leader or not): tells the agent when the store wants this node to be a worker
 * (`node demote`), on the store event that says so and again on every idle pass until the agent
 * has switched (the switch waits until the leader's {@link RoleLoop} has taken the node out of the
 * Raft group). A worker-only node learns the opposite from its dispatcher session's heartbeats.
 */
public final class OwnRoleWatch extends StoreLoop {
    private final String nodeId;
    private final Consumer<NodeSpec.Role> wanted;

    public OwnRoleWatch(ClusterStore store, String nodeId, Consumer<NodeSpec.Role> wanted, Clock clock,
                        MeterRegistry metrics) {
        super("own-role", store, clock, metrics);
        this.nodeId = nodeId;
        this.wanted = wanted;
    }

    @Override
    protected Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.NODE && nodeId.equals(e.id());
    }

    @Override
    protected void markAll() {
        // stateless: every pass reads the node
    }

    @Override
    protected void mark(StoreEvent event) {
        // stateless: every pass reads the node
    }

    @Override
    protected Instant reconcile() {
        store.read(r -> r.node(nodeId)).map(n -> n.getSpec().getRole())
                .filter(role -> role == NodeSpec.Role.WORKER)
                .ifPresent(wanted);
        return null;
    }
}
