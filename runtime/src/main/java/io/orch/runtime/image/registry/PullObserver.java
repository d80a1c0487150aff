package io.orch.runtime.image.registry;

/** Hears how each pull from a registry ended (for metrics; the runtime module knows no metrics library). */
@FunctionalInterface
public interface PullObserver {
    /** @param succeeded the image is in the store; false: the pull failed (registry, network, verification) */
    void pulled(boolean succeeded);

    PullObserver NONE = succeeded -> { };
}
