package io.orch.agent.net;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.proto.NetworkMap;
import io.orch.api.proto.Task;
import io.orch.raft.store.ClusterStore;
import io.orch.raft.store.StoreEvent;
import io.orch.raft.store.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A manager node's network map, read from its own store replica: recomputed on a thread of its
 * own after relevant changes (tasks on networks, networks, services, nodes), at most every
 * {@link #SETTLE} so a burst of task updates costs one read, and handed on only when it changed.
 */
public final class StoreNetworkMapSource implements NetworkMapSource {
    private static final Logger log = LoggerFactory.getLogger(StoreNetworkMapSource.class);
    /** How long a burst of store events may go on before the map is read once for all of them. */
    static final Duration SETTLE = Duration.ofMillis(20);

    private final ClusterStore store;
    private final String nodeId;

    public StoreNetworkMapSource(ClusterStore store, String nodeId) {
        this.store = store;
        this.nodeId = nodeId;
    }

    @Override
    public AutoCloseable subscribe(Consumer<NetworkMap> listener) {
        Subscription events = store.watch(StoreNetworkMapSource::relevant);
        Thread t = DaemonThreads.start("orch-network-map", () -> run(events, listener));
        return () -> {
            events.close();
            t.interrupt();
        };
    }

    private void run(Subscription events, Consumer<NetworkMap> listener) {
        NetworkMap last = null;
        boolean dirty = true; // the first map goes out at once
        try {
            while (!events.isClosed()) {
                if (dirty) {
                    NetworkMap map = store.read(r -> NetworkMaps.of(r, nodeId));
                    if (!map.equals(last)) {
                        last = map;
                        try {
                            listener.accept(map);
                        } catch (RuntimeException e) {
                            log.warn("applying the network map failed", e);
                        }
                    }
                }
                List<StoreEvent> batch = events.pollAll(Duration.ofSeconds(1));
                dirty = !batch.isEmpty();
                if (dirty) {
                    events.pollAll(SETTLE); // let the burst settle: one read for all of it
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean relevant(StoreEvent e) {
        return switch (e.kind()) {
            case TASK -> onNetwork(e.before()) || onNetwork(e.after());
            case NETWORK, SERVICE, NODE -> true;
            default -> false;
        };
    }

    private static boolean onNetwork(Object task) {
        return task != null && ((Task) task).getNetworksAttachmentsCount() > 0;
    }
}
