package io.orch.runtime.net;

import io.orch.runtime.TaskConfig;

import java.io.IOException;
import java.util.List;

/**
 * Joins a container's network namespace to the overlay networks its task attaches to. The
 * runtime only knows when (after the namespace exists, before the container's process starts,
 * and when the namespace goes away); what an overlay is made of on this node, and the name
 * service and load balancing that come with it, belong to whoever builds the node (the agent).
 */
public interface OverlayAttacher {
    /**
     * @param bridge   the container's interface on the node bridge (eth0): its namespace and address
     * @param overlays the task's overlay networks, each to become one more interface (eth1, eth2, ...)
     * @throws IOException the container must not start: it would lack a network it was given
     */
    void attach(String taskId, Attachment bridge, List<TaskConfig.Overlay> overlays) throws IOException;

    /** The container's namespace is gone (the task stopped for good, or its start was abandoned). */
    void detached(String taskId);

    /**
     * The node bridge the runtime puts its containers on (their default route): where their
     * traffic to the world outside the node leaves from, for whoever sets up its NAT.
     */
    default void useNodeNetwork(NodeNetwork network) {
    }

    /** What a node without overlay support says: such tasks fail with this reason. */
    OverlayAttacher UNAVAILABLE = new OverlayAttacher() {
        @Override
        public void attach(String taskId, Attachment bridge, List<TaskConfig.Overlay> overlays) throws IOException {
            throw new IOException("overlay networks are not available on this node");
        }

        @Override
        public void detached(String taskId) {
        }
    };
}
