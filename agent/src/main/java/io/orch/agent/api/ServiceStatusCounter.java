package io.orch.agent.api;

import io.orch.api.proto.Node;
import io.orch.api.proto.NodeStatus;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.scheduler.orchestrator.JobModes;
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
        /** Docker's ServiceStatus object, as Jackson writes it. */
        String json() {
            return "{\"RunningTasks\":" + running + ",\"DesiredTasks\":" + desired + ",\"CompletedTasks\":" + completed + "}";
        }
    }

    /**
     * Running: observed running, still wanted running, on a node that is not down. Desired: the
     * replica count, or for a global service the tasks wanted running. Completed: 0 (only jobs
     * complete).
     */
    static Counts count(Service service, List<Task> tasks, Map<String, Node> nodes) {
        if (JobModes.isJob(service)) {
            return countJob(service, tasks, nodes);
        }
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

    /**
     * A job's current run (as moby computes it for jobs; the docker CLI prints "running/desired
     * (completed/total completed)", total being TotalCompletions, or for a global job
     * desired + completed). Desired: a replicated job's tasks still to run at once, min(MaxConcurrent,
     * TotalCompletions - completed); a global job's tasks of this run not completed yet.
     */
    private static Counts countJob(Service service, List<Task> tasks, Map<String, Node> nodes) {
        long iteration = JobModes.iteration(service);
        long running = 0;
        long completed = 0;
        long pending = 0;
        for (Task t : tasks) {
            if (t.getJobIteration().getIndex() != iteration) {
                continue;
            }
            TaskState state = t.getStatus().getState();
            if (state == TaskState.COMPLETE) {
                completed++;
            } else if (t.getDesiredState() == TaskState.RUNNING) {
                pending++;
                if (state == TaskState.RUNNING && !onDownNode(t, nodes)) {
                    running++;
                }
            }
        }
        long desired = service.getSpec().getMode().hasGlobalJob() ? pending
                : Math.max(0, Math.min(JobModes.maxConcurrent(service), JobModes.totalCompletions(service) - completed));
        return new Counts(running, desired, completed);
    }

    private static boolean onDownNode(Task t, Map<String, Node> nodes) {
        Node n = nodes.get(t.getNodeId());
        return n == null || n.getStatus().getState() == NodeStatus.State.DOWN;
    }
}
