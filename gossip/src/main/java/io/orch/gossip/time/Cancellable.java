package io.orch.gossip.time;

/** A scheduled task that may be cancelled; cancelling a task that already ran does nothing. */
@FunctionalInterface
public interface Cancellable {
    void cancel();

    Cancellable NONE = () -> { };
}
