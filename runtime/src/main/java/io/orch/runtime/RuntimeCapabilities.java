package io.orch.runtime;

/**
 * What a runtime can do, so the scheduler and executor never ask for the impossible, and nothing
 * outside a runtime decides by its name what it can do.
 *
 * @param isolation         tasks get namespaces of their own
 * @param resourceLimits    memory and CPU limits are enforced
 * @param exec              commands run in a task's context (health checks)
 * @param recover           tasks outlive the agent and are re-attached
 * @param overlayNetworks   tasks join orch's overlay networks
 * @param nodeImages        tasks run images of the node's image store (which the agent pulls into)
 * @param containerSettings the ContainerSpec's process and security settings, mount options and
 *                          LogDriver none are applied
 * @param logRotation       LogDriver max-size / max-file are applied
 */
public record RuntimeCapabilities(boolean isolation, boolean resourceLimits, boolean exec, boolean recover,
                                  boolean overlayNetworks, boolean nodeImages, boolean containerSettings,
                                  boolean logRotation) {

    /** A runtime with none of the container features (no overlays, images, settings or rotation). */
    public RuntimeCapabilities(boolean isolation, boolean resourceLimits, boolean exec, boolean recover) {
        this(isolation, resourceLimits, exec, recover, false, false, false, false);
    }
}
