package io.orch.agent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.scheduler.orchestrator.ServicePlanner;

import java.util.List;
import java.util.Map;

/**
 * {@code ServiceStatus} for {@code GET /services?status=true}, which gives {@code docker service
 * ls} its REPLICAS column (3/3) without listing every task.
 */
final class ServiceStatusCounter {
    private ServiceStatusCounter() {}

    record Counts(long running, long desired, long completed) {
        ObjectNode toJson() {
            return DockerJson.MAPPER.createObjectNode()
                    .put("RunningTasks", running)
                    .put("DesiredTasks", desired)
                    .put("CompletedTasks", completed);
        }
    }

    /**
     * Running: observed running, still wanted running, on a node that is not down. Desired: the
     * replica count, or for a global service the tasks wanted running. Completed: only jobs
     * complete, and orch has no jobs yet, so 0.
     */
    static Counts count(Service service, List<Task> tasks, Map<String, Node> nodes) {
        long running = 0;
        long wanted = 0;
        for (Task t : tasks) {
            if (t.getDesiredState() == TaskState.RUNNING) {
                wanted++;
                if (t.getStatus().getState() == TaskState.RUNNING && !onDownNode(t, nodes)) {
                    running++;
                }
            }
        }
        long desired = service.getSpec().getMode().hasGlobal() ? wanted : ServicePlanner.replicas(service);
        return new Counts(running, desired, 0);
    }

    private static boolean onDownNode(Task t, Map<String, Node> nodes) {
        Node n = nodes.get(t.getNodeId());
        return n == null || n.getStatus().getState() == NodeStatus.State.DOWN;
    }
}
