package io.orch.agent.manager;

import io.orch.agent.loop.StatelessStoreLoop;
import io.orch.agent.pki.ClusterCa;
import io.orch.api.proto.TrustRoots;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * On every manager (leader or not): tells the agent which root CAs to trust and whose key must
 * have signed this node's certificate, from its replica of the Cluster object, when that changes
 * (a root rotation starts or ends). Workers learn the same from their dispatcher session.
 */
public final class TrustRootsWatch extends StatelessStoreLoop {
    private final Consumer<TrustRoots> listener;
    private TrustRoots delivered;

    public TrustRootsWatch(ClusterStore store, Consumer<TrustRoots> listener) {
        super("trust-roots", store);
        this.listener = listener;
    }

    @Override
    public Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.CLUSTER;
    }

    @Override
    protected Instant reconcile(Instant now) {
        Optional<TrustRoots> roots = store.read(r -> r.cluster()).flatMap(ClusterCa::trustRootsOf);
        if (roots.isPresent() && !roots.get().equals(delivered)) {
            delivered = roots.get();
            listener.accept(roots.get());
        }
        return null;
    }
}
