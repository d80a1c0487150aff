package io.orch.scheduler;

import io.orch.api.proto.Node;
import io.orch.api.proto.NodeResources;
import io.orch.api.proto.Task;

import java.util.HashMap;
import java.util.Map;

/**
 * A node as the scheduler sees it: the node object plus what its live tasks already reserve
 * and how many tasks of each service it runs. Updated incrementally as a batch is placed, so
 * placing one task never rescans the cluster's tasks.
 */
public final class NodeInfo {
    private final Node node;
    private long reservedNanoCpus;
    private long reservedMemory;
    private int taskCount;
    private final Map<String, Integer> tasksByService = new HashMap<>();

    public NodeInfo(Node node) {
        this.node = node;
    }

    public Node node() {
        return node;
    }

    public String id() {
        return node.getId();
    }

    /** Accounts for a live task on this node (one that holds, or is about to hold, resources). */
    public void add(Task task) {
        var r = task.getSpec().getResources().getReservations();
        reservedNanoCpus += r.getNanoCpus();
        reservedMemory += r.getMemoryBytes();
        taskCount++;
        tasksByService.merge(task.getServiceId(), 1, Integer::sum);
    }

    public long availableNanoCpus() {
        NodeResources total = node.getDescription().getResources();
        return total.getNanoCpus() - reservedNanoCpus;
    }

    public long availableMemory() {
        NodeResources total = node.getDescription().getResources();
        return total.getMemoryBytes() - reservedMemory;
    }

    public int taskCount() {
        return taskCount;
    }

    public int tasksOf(String serviceId) {
        return tasksByService.getOrDefault(serviceId, 0);
    }
}
