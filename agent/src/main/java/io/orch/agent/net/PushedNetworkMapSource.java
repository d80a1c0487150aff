package io.orch.agent.net;

import io.orch.api.proto.NetworkMap;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A worker-only node's network map: the one its dispatcher session received last. Kept while no
 * manager is reachable, so the node's containers go on finding each other.
 */
public final class PushedNetworkMapSource implements NetworkMapSource {
    private final List<Consumer<NetworkMap>> listeners = new CopyOnWriteArrayList<>();
    private volatile NetworkMap current;

    /** A new map from a manager (on the dispatcher's thread). */
    public void received(NetworkMap map) {
        NetworkMap withoutSequence = map.toBuilder().clearSequence().build();
        if (withoutSequence.equals(current)) {
            return;
        }
        current = withoutSequence;
        listeners.forEach(l -> l.accept(withoutSequence));
    }

    @Override
    public AutoCloseable subscribe(Consumer<NetworkMap> listener) {
        listeners.add(listener);
        NetworkMap known = current;
        if (known != null) {
            listener.accept(known);
        }
        return () -> listeners.remove(listener);
    }
}
