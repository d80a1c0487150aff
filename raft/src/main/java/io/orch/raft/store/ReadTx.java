package io.orch.raft.store;

import io.orch.api.proto.Cluster;
import io.orch.api.proto.Config;
import io.orch.api.proto.Network;
import io.orch.api.proto.Node;
import io.orch.api.proto.Secret;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;

import java.util.List;
import java.util.Optional;

/** A consistent, read-only view of the store at one version. */
public interface ReadTx {
    /** The log index of the last applied transaction. */
    long version();

    Optional<Node> node(String id);

    List<Node> nodes();

    Optional<Service> service(String id);

    Optional<Service> serviceByName(String name);

    List<Service> services();

    Optional<Task> task(String id);

    List<Task> tasks();

    /** How many tasks the store holds, without copying them (what the task limit counts). */
    default int taskCount() {
        return tasks().size();
    }

    List<Task> tasksOfService(String serviceId);

    List<Task> tasksOfNode(String nodeId);

    Optional<Cluster> cluster();

    Optional<Secret> secret(String id);

    Optional<Secret> secretByName(String name);

    List<Secret> secrets();

    Optional<Config> config(String id);

    Optional<Config> configByName(String name);

    List<Config> configs();

    Optional<Network> network(String id);

    Optional<Network> networkByName(String name);

    List<Network> networks();
}
