package io.orch.scheduler;

import io.orch.api.proto.Task;

/** The scheduler's decision for one task: a node, or why none fits. */
public record Placement(Task task, String nodeId, String reason) {
    public static Placement on(Task task, String nodeId) {
        return new Placement(task, nodeId, "");
    }

    public static Placement unplaceable(Task task, String reason) {
        return new Placement(task, "", reason);
    }

    public boolean placed() {
        return !nodeId.isEmpty();
    }
}
