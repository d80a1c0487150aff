package io.orch.agent.worker;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.Config;
import io.orch.api.proto.Secret;
import io.orch.api.proto.Task;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.ObjectKind;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.Subscription;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The worker's view on a manager node: its own replica of the cluster store. */
public final class StoreWorkerView implements WorkerView {
    private final ClusterStore store;
    private final String nodeId;

    public StoreWorkerView(ClusterStore store, String nodeId) {
        this.store = store;
        this.nodeId = nodeId;
    }

    @Override
    public List<Task> tasks() {
        return store.read(r -> r.tasksOfNode(nodeId));
    }

    @Override
    public Optional<Task> task(String id) {
        return store.read(r -> r.task(id)).filter(t -> nodeId.equals(t.getNodeId()));
    }

    @Override
    public Optional<String> serviceName(String serviceId) {
        return store.read(r -> r.service(serviceId)).map(s -> s.getSpec().getName());
    }

    @Override
    public Optional<Secret> secret(String id, String name) {
        return store.read(r -> {
            Optional<Secret> s = id.isEmpty() ? Optional.empty() : r.secret(id);
            return s.isPresent() || name.isEmpty() ? s : r.secretByName(name);
        });
    }

    @Override
    public Optional<Config> config(String id, String name) {
        return store.read(r -> {
            Optional<Config> c = id.isEmpty() ? Optional.empty() : r.config(id);
            return c.isPresent() || name.isEmpty() ? c : r.configByName(name);
        });
    }

    @Override
    public Optional<io.orch.api.proto.Network> network(String idOrName) {
        return store.read(r -> r.network(idOrName).or(() -> r.networkByName(idOrName)));
    }

    /**
     * Only once the local replica has caught up with its group: a promoted node's replica starts
     * empty, and a task it does not show yet may well be assigned here and running.
     */
    @Override
    public boolean complete() {
        return store.isCaughtUp();
    }

    /** Watches this node's task events; a thread of its own hands them on, so the store's applying thread never waits. */
    @Override
    public AutoCloseable subscribe(Runnable onChange) {
        store.caughtUp().thenRun(onChange); // the view becomes complete: what it still lacks is not here
        Subscription events = store.watch(e -> e.kind() == ObjectKind.TASK && onThisNode(e));
        Thread t = DaemonThreads.start("orch-worker-watch", () -> {
            try {
                while (!events.isClosed()) {
                    if (!events.pollAll(Duration.ofSeconds(1)).isEmpty()) {
                        onChange.run();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return () -> {
            events.close();
            t.interrupt();
        };
    }

    private boolean onThisNode(StoreEvent e) {
        return (e.after() != null && nodeId.equals(((Task) e.after()).getNodeId()))
                || (e.before() != null && nodeId.equals(((Task) e.before()).getNodeId()));
    }
}
