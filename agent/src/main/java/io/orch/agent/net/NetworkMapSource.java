package io.orch.agent.net;

import io.orch.api.proto.NetworkMap;

import java.util.function.Consumer;

/**
 * Where a node's network map comes from: its own store replica on a manager, the dispatcher
 * session on a worker-only node. Either way the node's networking sees whole maps, newest last.
 */
public interface NetworkMapSource {
    /** Calls {@code listener} with the current map (if any is known) and with every new one, until closed. */
    AutoCloseable subscribe(Consumer<NetworkMap> listener);
}
