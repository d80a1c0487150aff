package io.orch.agent.worker;

import io.orch.api.proto.Config;
import io.orch.api.proto.Secret;
import io.orch.api.proto.Task;

import java.util.List;
import java.util.Optional;

/**
 * What the worker knows of the cluster: the tasks assigned to its node and what they need to
 * start. A manager node reads its own store replica ({@link StoreWorkerView}); a worker-only node
 * reads the assignment set its dispatcher session last received.
 */
public interface WorkerView {
    /** The tasks assigned to this node (finished ones may be left out). */
    List<Task> tasks();

    /** One task assigned to this node. */
    Optional<Task> task(String id);

    /** The name of a service, for task names. */
    Optional<String> serviceName(String serviceId);

    /** A secret by id, or by name when the id is empty or unknown. */
    Optional<Secret> secret(String id, String name);

    /** A config by id, or by name when the id is empty or unknown. */
    Optional<Config> config(String id, String name);

    /** A network by id or name (what a task's network attachment names); empty where networks are not known. */
    default Optional<io.orch.api.proto.Network> network(String idOrName) {
        return Optional.empty();
    }

    /** Calls {@code onChange} (on any thread) after the view changed, until the handle is closed. */
    AutoCloseable subscribe(Runnable onChange);

    /**
     * False until the view holds this node's full assignment set (before a worker-only node's
     * first session): the worker then neither gives up on re-attached tasks it cannot see nor
     * reports them lost.
     */
    default boolean complete() {
        return true;
    }

    /** Whether the status reported now reaches a manager. */
    default boolean connected() {
        return true;
    }

    /**
     * True while no manager has been reachable for longer than a grace period: the worker then
     * restarts exited tasks itself as their restart policy says, instead of waiting for the
     * orchestrator to replace them.
     */
    default boolean cutOff() {
        return false;
    }
}
