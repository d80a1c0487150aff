package io.orch.scheduler;

import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Task;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node as the scheduler sees it: the node object plus what its live tasks already reserve,
 * how many tasks of each service it runs, which host-mode ports they bind and how many tasks of
 * each service recently failed on it. Updated incrementally as a batch is placed, so placing
 * one task never rescans the cluster's tasks.
 */
public final class NodeInfo {
    private final Node node;
    private final int index;
    private final boolean readyAndActive;
    private final long nanoCpuCapacity;
    private final long memoryCapacity;
    private long reservedNanoCpus;
    private long reservedMemory;
    private int taskCount;
    private final Map<String, Integer> tasksByService = new HashMap<>();
    private Set<String> hostPorts = Set.of();
    private Map<String, Integer> recentFailures = Map.of();

    public NodeInfo(Node node) {
        this(node, -1);
    }

    NodeInfo(Node node, int index) {
        this.node = node;
        this.index = index;
        this.readyAndActive = node.getStatus().getState() == NodeStatus.State.READY
                && node.getSpec().getAvailability() == NodeSpec.Availability.ACTIVE;
        this.nanoCpuCapacity = node.getDescription().getResources().getNanoCpus();
        this.memoryCapacity = node.getDescription().getResources().getMemoryBytes();
    }

    public Node node() {
        return node;
    }

    public String id() {
        return node.getId();
    }

    /** Position in its {@link ClusterState} (-1 for a standalone node). */
    int index() {
        return index;
    }

    public boolean isReadyAndActive() {
        return readyAndActive;
    }

    /** Accounts for a live task on this node (one that holds, or is about to hold, resources). */
    public void add(Task task) {
        var r = task.getSpec().getResources().getReservations();
        add(task.getServiceId(), Math.max(0, r.getNanoCpus()), Math.max(0, r.getMemoryBytes()), List.of());
    }

    void add(String serviceId, long nanoCpus, long memoryBytes, List<String> ports) {
        reservedNanoCpus += nanoCpus;
        reservedMemory += memoryBytes;
        taskCount++;
        tasksByService.merge(serviceId, 1, Integer::sum);
        if (!ports.isEmpty()) {
            if (hostPorts.isEmpty()) {
                hostPorts = new HashSet<>();
            }
            hostPorts.addAll(ports);
        }
    }

    void addRecentFailure(String serviceId) {
        if (recentFailures.isEmpty()) {
            recentFailures = new HashMap<>();
        }
        recentFailures.merge(serviceId, 1, Integer::sum);
    }

    public long availableNanoCpus() {
        return nanoCpuCapacity - reservedNanoCpus;
    }

    public long availableMemory() {
        return memoryCapacity - reservedMemory;
    }

    public long reservedNanoCpus() {
        return reservedNanoCpus;
    }

    public long reservedMemory() {
        return reservedMemory;
    }

    public int taskCount() {
        return taskCount;
    }

    public int tasksOf(String serviceId) {
        return tasksByService.getOrDefault(serviceId, 0);
    }

    public int recentFailuresOf(String serviceId) {
        return recentFailures.getOrDefault(serviceId, 0);
    }

    public boolean hostPortsFree(List<String> ports) {
        if (hostPorts.isEmpty()) {
            return true;
        }
        for (String p : ports) {
            if (hostPorts.contains(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * How full the node would be with one more task reserving {@code nanoCpus}/{@code memoryBytes}:
     * the sum of the CPU and memory fractions (0..2). Resources the node does not report count as empty.
     */
    double fillAfter(long nanoCpus, long memoryBytes) {
        double cpu = nanoCpuCapacity > 0 ? (double) (reservedNanoCpus + nanoCpus) / nanoCpuCapacity : 0;
        double mem = memoryCapacity > 0 ? (double) (reservedMemory + memoryBytes) / memoryCapacity : 0;
        return cpu + mem;
    }
}
