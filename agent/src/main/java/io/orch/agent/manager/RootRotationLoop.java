package io.orch.agent.manager;

import io.orch.agent.loop.StatelessStoreLoop;
import io.orch.agent.pki.RootRotations;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Node;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * On the Raft leader: ends a root CA rotation once every node that is not down reports (in its
 * description's TLSInfo, which it sends after installing the certificate) a certificate signed by
 * the new root's key. The Cluster object then holds the new root alone; managers and the
 * dispatcher tell every node, which drops the old root from its trust. Version-checked: a
 * concurrent write to the cluster makes it look again.
 */
public final class RootRotationLoop extends StatelessStoreLoop {
    private int lastWaiting = -1;

    public RootRotationLoop(ClusterStore store) {
        super("root-rotation", store);
    }

    @Override
    public Predicate<StoreEvent> interest() {
        return e -> e.kind() == ObjectKind.CLUSTER || e.kind() == ObjectKind.NODE;
    }

    @Override
    protected Instant reconcile(Instant now) throws Exception {
        Optional<Cluster> cluster = store.read(r -> r.cluster());
        if (cluster.isEmpty() || !cluster.get().hasRootRotation()) {
            lastWaiting = -1;
            return null;
        }
        List<Node> nodes = store.read(r -> List.copyOf(r.nodes()));
        List<Node> waiting = RootRotations.waitingFor(cluster.get(), nodes);
        if (!waiting.isEmpty()) {
            if (waiting.size() != lastWaiting) {
                lastWaiting = waiting.size();
                log.info("root CA rotation: {} of {} node(s) still to renew onto the new root ({}{})", waiting.size(), nodes.size(),
                        waiting.stream().limit(5).map(Node::getId).toList(), waiting.size() > 5 ? ", ..." : "");
            }
            return null;
        }
        Cluster finished = RootRotations.finish(cluster.get(), nodes).orElseThrow();
        store.updateAndWait(tx -> tx.update(finished));
        lastWaiting = -1;
        log.info("root CA rotation finished: every node that is up holds a certificate of the new root, which is now the "
                + "cluster's only root CA");
        return null;
    }
}
