package io.orch.agent.api;

import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.raft.store.ReadTx;

/** Docker's task names (swarmkit naming.Task): {@code web.1.<id>}, or {@code web.<nodeID>.<id>} for global tasks. */
final class TaskNames {
    private TaskNames() {}

    static String name(ReadTx tx, Task t) {
        if (!t.getName().isEmpty()) {
            return t.getName();
        }
        String service = tx.service(t.getServiceId()).map(Service::getSpec).map(s -> s.getName()).orElse(t.getServiceId());
        String slot = t.getSlot() > 0 ? Long.toString(t.getSlot()) : t.getNodeId();
        return service + "." + slot + "." + t.getId();
    }
}
