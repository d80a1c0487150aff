package io.orch.scheduler;

import io.orch.api.proto.Node;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.model.TaskStates;
import io.orch.api.model.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scheduler's incremental view of the cluster: one {@link NodeInfo} per node (used
 * resources, tasks per service, bound host ports, recent failures), built once per batch from
 * the nodes and tasks, then updated as each task of the batch is placed.
 */
public final class ClusterState {
    /** Failures older than this no longer count against a node. */
    public static final Duration RECENT_FAILURE_WINDOW = Duration.ofMinutes(5);

    private final List<NodeInfo> nodes;
    private final Map<String, NodeInfo> byId;
    private final Map<String, List<String>> hostPortsByService = new HashMap<>();

    /** Nodes are kept in id order, so the same input gives the same state whatever order it came in. */
    public ClusterState(Collection<Node> nodes, Collection<Service> services) {
        List<Node> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(Node::getId));
        this.nodes = new ArrayList<>(sorted.size());
        this.byId = new HashMap<>(sorted.size() * 2);
        for (Node n : sorted) {
            NodeInfo info = new NodeInfo(n, this.nodes.size());
            this.nodes.add(info);
            byId.put(n.getId(), info);
        }
        for (Service s : services) {
            List<String> ports = hostPorts(s);
            if (!ports.isEmpty()) {
                hostPortsByService.put(s.getId(), ports);
            }
        }
    }

    /** The nodes with {@code liveTasks} (tasks that hold resources) accounted for. */
    public static ClusterState of(Collection<Node> nodes, Collection<Task> liveTasks) {
        ClusterState state = new ClusterState(nodes, List.of());
        liveTasks.forEach(state::addLive);
        return state;
    }

    /**
     * Accounts for one task of the cluster: a task holding resources counts against its node;
     * a task that failed or was rejected within {@link #RECENT_FAILURE_WINDOW} before {@code now}
     * counts as a recent failure of its service on its node. Other tasks are ignored.
     */
    public void observe(Task task, Instant now) {
        if (TaskStates.holdsResources(task)) {
            addLive(task);
        } else if (failedRecently(task, now)) {
            addRecentFailure(task);
        }
    }

    public void addLive(Task task) {
        NodeInfo info = byId.get(task.getNodeId());
        if (info != null) {
            var r = task.getSpec().getResources().getReservations();
            info.add(task.getServiceId(), Math.max(0, r.getNanoCpus()), Math.max(0, r.getMemoryBytes()),
                    hostPorts(task.getServiceId()));
        }
    }

    public void addRecentFailure(Task task) {
        NodeInfo info = byId.get(task.getNodeId());
        if (info != null) {
            info.addRecentFailure(task.getServiceId());
        }
    }

    static boolean failedRecently(Task task, Instant now) {
        TaskState s = task.getStatus().getState();
        if (task.getNodeId().isEmpty() || (s != TaskState.FAILED && s != TaskState.REJECTED)) {
            return false;
        }
        return Times.instant(task.getStatus().getTimestamp()).isAfter(now.minus(RECENT_FAILURE_WINDOW));
    }

    public int size() {
        return nodes.size();
    }

    public NodeInfo node(int index) {
        return nodes.get(index);
    }

    public NodeInfo node(String id) {
        return byId.get(id);
    }

    public List<NodeInfo> nodes() {
        return java.util.Collections.unmodifiableList(nodes);
    }

    /** The host-mode published ports of a service ("8080/tcp"), which one node can bind once. */
    public List<String> hostPorts(String serviceId) {
        return hostPortsByService.getOrDefault(serviceId, List.of());
    }

    private static List<String> hostPorts(Service s) {
        List<String> out = new ArrayList<>();
        for (PortConfig p : s.getSpec().getEndpointSpec().getPortsList()) {
            if (p.getPublishMode() == PortConfig.PublishMode.HOST && p.getPublishedPort() != 0) {
                out.add(p.getPublishedPort() + "/" + p.getProtocol().name().toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(out);
    }
}
