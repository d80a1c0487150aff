package io.orch.agent.manager;

import io.orch.agent.loop.StatelessStoreLoop;
import io.orch.api.proto.NodeSpec;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * On every manager (leader or not): tells the agent when the store wants this node to be a worker
 * (`node demote`), on the store event that says so and again on every idle pass until the agent
 * has switched (the switch waits until the leader's {@link RoleLoop} has taken the node out of the
 * Raft group). A worker-only node learns the opposite from its dispatcher session's heartbeats.
 * A manager whose replica does not catch up with its group asks the cluster now and then, as it
 * may have been demoted (and taken out of the group) while it was down.
 */
public final class OwnRoleWatch extends StatelessStoreLoop {
    /** How long a replica may lag (a restart's catch-up, an election) before the cluster is asked about this node's role. */
    static final Duration STALE_PROBE_AFTER = Duration.ofSeconds(10);
    static final Duration STALE_PROBE_EVERY = Duration.ofSeconds(30);

    private final String nodeId;
    private final Consumer<NodeSpec.Role> wanted;
    private Instant staleSince;
    private Instant nextProbe;

    public OwnRoleWatch(ClusterStore store, String nodeId, Consumer<NodeSpec.Role> wanted) {
        super("own-role", store);
        this.nodeId = nodeId;
        this.wanted = wanted;
    }

    @Override
    public Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.NODE && nodeId.equals(e.id());
    }

    @Override
    protected Instant reconcile(Instant now) {
        NodeSpec.Role role = store.read(r -> r.node(nodeId)).map(n -> n.getSpec().getRole()).orElse(NodeSpec.Role.MANAGER);
        if (role == NodeSpec.Role.WORKER) {
            wanted.accept(NodeSpec.Role.WORKER);
            return null;
        }
        if (store.isCaughtUp()) {
            staleSince = null;
            return null;
        }
        // A replica that never catches up was most likely taken out of the Raft group while it was
        // down (demoted meanwhile): the group no longer replicates to it, so its store never shows
        // the demotion. The switch asks the other managers (a certificate renewal), who answer
        // with the role the node has now; a manager that is still one just stays as it is.
        if (staleSince == null) {
            staleSince = now;
            nextProbe = now.plus(STALE_PROBE_AFTER);
        }
        if (!now.isBefore(nextProbe)) {
            nextProbe = now.plus(STALE_PROBE_EVERY);
            wanted.accept(NodeSpec.Role.WORKER);
        }
        return nextProbe;
    }
}
