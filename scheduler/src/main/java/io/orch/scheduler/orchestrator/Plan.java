package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Task;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an orchestrator should write for one service: tasks to create, tasks to change (desired
 * state), tasks to delete, and when to look again if a restart is delayed. Applied in one
 * store transaction.
 */
public final class Plan {
    public final List<Task> create = new ArrayList<>();
    public final List<Task> update = new ArrayList<>();
    public final List<Task> delete = new ArrayList<>();
    private Instant wakeAt;

    public boolean isEmpty() {
        return create.isEmpty() && update.isEmpty() && delete.isEmpty();
    }

    public Instant wakeAt() {
        return wakeAt;
    }

    void wakeAt(Instant when) {
        if (wakeAt == null || when.isBefore(wakeAt)) {
            wakeAt = when;
        }
    }

    public void addAll(Plan other) {
        create.addAll(other.create);
        update.addAll(other.update);
        delete.addAll(other.delete);
        if (other.wakeAt != null) {
            wakeAt(other.wakeAt);
        }
    }
}
