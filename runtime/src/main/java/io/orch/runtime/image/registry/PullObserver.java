package io.orch.runtime.image.registry;

/** Hears how each pull from a registry ended (for metrics; the runtime module knows no metrics library). */
@FunctionalInterface
public interface PullObserver {
    /**
     * @param succeeded the image is in the store; false: the pull failed (registry, network, verification)
     * @param nanos     how long the pull took, from the first request to the image in the store or the failure
     */
    void pulled(boolean succeeded, long nanos);

    PullObserver NONE = (succeeded, nanos) -> { };
}
