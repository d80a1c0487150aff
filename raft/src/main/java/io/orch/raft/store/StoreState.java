package io.orch.raft.store;

import com.google.protobuf.Message;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.Config;
import io.orch.api.proto.Network;
import io.orch.api.proto.Node;
import io.orch.api.proto.Secret;
import io.orch.api.proto.Service;
import io.orch.api.proto.StoreSnapshot;
import io.orch.api.proto.Task;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The in-memory tables and their secondary indexes (tasks by service and by node, objects by
 * name). Not thread-safe: {@link ClusterStore} guards it with a read-write lock.
 */
final class StoreState implements ReadTx {
    private final Map<ObjectKind, Map<String, Message>> tables = new EnumMap<>(ObjectKind.class);
    private final Map<ObjectKind, Map<String, String>> idByName = new EnumMap<>(ObjectKind.class);
    private final Map<String, Set<String>> tasksByService = new HashMap<>();
    private final Map<String, Set<String>> tasksByNode = new HashMap<>();
    private long version;

    StoreState() {
        for (ObjectKind k : ObjectKind.values()) {
            tables.put(k, new HashMap<>());
            idByName.put(k, new HashMap<>());
        }
    }

    // ------------------------------------------------------------------ mutation

    Message get(ObjectKind kind, String id) {
        return tables.get(kind).get(id);
    }

    /** The id of the object of this kind holding {@code name}, for kinds with unique names. */
    String idOfName(ObjectKind kind, String name) {
        return idByName.get(kind).get(name);
    }

    void put(ObjectKind kind, Message object) {
        String id = ObjectKind.id(object);
        Message old = tables.get(kind).put(id, object);
        if (old != null) {
            unindex(kind, old);
        }
        index(kind, object);
    }

    void remove(ObjectKind kind, String id) {
        Message old = tables.get(kind).remove(id);
        if (old != null) {
            unindex(kind, old);
        }
    }

    void setVersion(long version) {
        this.version = version;
    }

    /** The name that must be unique among objects of its kind, or null if the kind has none. */
    static String uniqueName(Message m) {
        if (m instanceof Service s) {
            return s.getSpec().getName();
        }
        if (m instanceof Secret s) {
            return s.getSpec().getName();
        }
        if (m instanceof Config c) {
            return c.getSpec().getName();
        }
        if (m instanceof Network n) {
            return n.getSpec().getName();
        }
        return null;
    }

    private void index(ObjectKind kind, Message m) {
        String name = uniqueName(m);
        if (name != null && !name.isEmpty()) {
            idByName.get(kind).put(name, ObjectKind.id(m));
        }
        if (m instanceof Task t) {
            tasksByService.computeIfAbsent(t.getServiceId(), k -> new LinkedHashSet<>()).add(t.getId());
            if (!t.getNodeId().isEmpty()) {
                tasksByNode.computeIfAbsent(t.getNodeId(), k -> new LinkedHashSet<>()).add(t.getId());
            }
        }
    }

    private void unindex(ObjectKind kind, Message m) {
        String name = uniqueName(m);
        if (name != null) {
            idByName.get(kind).remove(name, ObjectKind.id(m));
        }
        if (m instanceof Task t) {
            removeFromIndex(tasksByService, t.getServiceId(), t.getId());
            removeFromIndex(tasksByNode, t.getNodeId(), t.getId());
        }
    }

    private static void removeFromIndex(Map<String, Set<String>> index, String key, String id) {
        Set<String> ids = index.get(key);
        if (ids != null) {
            ids.remove(id);
            if (ids.isEmpty()) {
                index.remove(key);
            }
        }
    }

    // ------------------------------------------------------------------ snapshots

    StoreSnapshot snapshot() {
        StoreSnapshot.Builder b = StoreSnapshot.newBuilder().setVersion(version);
        all(ObjectKind.NODE, Node.class).forEach(b::addNodes);
        all(ObjectKind.SERVICE, Service.class).forEach(b::addServices);
        all(ObjectKind.TASK, Task.class).forEach(b::addTasks);
        all(ObjectKind.CLUSTER, Cluster.class).forEach(b::addClusters);
        all(ObjectKind.SECRET, Secret.class).forEach(b::addSecrets);
        all(ObjectKind.CONFIG, Config.class).forEach(b::addConfigs);
        all(ObjectKind.NETWORK, Network.class).forEach(b::addNetworks);
        return b.build();
    }

    void restore(StoreSnapshot s) {
        tables.values().forEach(Map::clear);
        idByName.values().forEach(Map::clear);
        tasksByService.clear();
        tasksByNode.clear();
        s.getNodesList().forEach(m -> put(ObjectKind.NODE, m));
        s.getServicesList().forEach(m -> put(ObjectKind.SERVICE, m));
        s.getTasksList().forEach(m -> put(ObjectKind.TASK, m));
        s.getClustersList().forEach(m -> put(ObjectKind.CLUSTER, m));
        s.getSecretsList().forEach(m -> put(ObjectKind.SECRET, m));
        s.getConfigsList().forEach(m -> put(ObjectKind.CONFIG, m));
        s.getNetworksList().forEach(m -> put(ObjectKind.NETWORK, m));
        version = s.getVersion();
    }

    // ------------------------------------------------------------------ ReadTx

    private <T> List<T> all(ObjectKind kind, Class<T> type) {
        Collection<Message> values = tables.get(kind).values();
        List<T> out = new ArrayList<>(values.size());
        for (Message m : values) {
            out.add(type.cast(m));
        }
        return out;
    }

    private <T> Optional<T> one(ObjectKind kind, String id, Class<T> type) {
        return Optional.ofNullable(tables.get(kind).get(id)).map(type::cast);
    }

    private <T> Optional<T> named(ObjectKind kind, String name, Class<T> type) {
        String id = idByName.get(kind).get(name);
        return id == null ? Optional.empty() : one(kind, id, type);
    }

    private List<Task> tasksIn(Map<String, Set<String>> index, String key) {
        Set<String> ids = index.get(key);
        if (ids == null) {
            return List.of();
        }
        List<Task> out = new ArrayList<>(ids.size());
        Map<String, Message> taskTable = tables.get(ObjectKind.TASK);
        for (String id : ids) {
            out.add((Task) taskTable.get(id));
        }
        return out;
    }

    @Override public long version() { return version; }
    @Override public Optional<Node> node(String id) { return one(ObjectKind.NODE, id, Node.class); }
    @Override public List<Node> nodes() { return all(ObjectKind.NODE, Node.class); }
    @Override public Optional<Service> service(String id) { return one(ObjectKind.SERVICE, id, Service.class); }
    @Override public Optional<Service> serviceByName(String name) { return named(ObjectKind.SERVICE, name, Service.class); }
    @Override public List<Service> services() { return all(ObjectKind.SERVICE, Service.class); }
    @Override public Optional<Task> task(String id) { return one(ObjectKind.TASK, id, Task.class); }
    @Override public List<Task> tasks() { return all(ObjectKind.TASK, Task.class); }
    @Override public int taskCount() { return tables.get(ObjectKind.TASK).size(); }
    @Override public List<Task> tasksOfService(String serviceId) { return tasksIn(tasksByService, serviceId); }
    @Override public List<Task> tasksOfNode(String nodeId) { return tasksIn(tasksByNode, nodeId); }

    @Override
    public Optional<Cluster> cluster() {
        return tables.get(ObjectKind.CLUSTER).values().stream().findFirst().map(Cluster.class::cast);
    }

    @Override public Optional<Secret> secret(String id) { return one(ObjectKind.SECRET, id, Secret.class); }
    @Override public Optional<Secret> secretByName(String name) { return named(ObjectKind.SECRET, name, Secret.class); }
    @Override public List<Secret> secrets() { return all(ObjectKind.SECRET, Secret.class); }
    @Override public Optional<Config> config(String id) { return one(ObjectKind.CONFIG, id, Config.class); }
    @Override public Optional<Config> configByName(String name) { return named(ObjectKind.CONFIG, name, Config.class); }
    @Override public List<Config> configs() { return all(ObjectKind.CONFIG, Config.class); }
    @Override public Optional<Network> network(String id) { return one(ObjectKind.NETWORK, id, Network.class); }
    @Override public Optional<Network> networkByName(String name) { return named(ObjectKind.NETWORK, name, Network.class); }
    @Override public List<Network> networks() { return all(ObjectKind.NETWORK, Network.class); }
}
