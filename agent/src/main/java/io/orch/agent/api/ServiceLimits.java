package io.orch.agent.api;

import io.orch.api.model.TaskLimits;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterLimits;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.raft.store.ReadTx;

import java.util.function.Function;

/**
 * Refuses a service create or update that asks for more tasks than the cluster allows
 * ({@link TaskLimits}), inside the transaction that would store it. A change that asks for no
 * more than the service had always passes, so scaling down (and removing) always gets through,
 * even after the limits were lowered below what runs.
 */
final class ServiceLimits {
    private final Function<ClusterLimits, TaskLimits> limitsOf;

    /** @param limitsOf the limits in force for the cluster's settings (on this manager's heap) */
    ServiceLimits(Function<ClusterLimits, TaskLimits> limitsOf) {
        this.limitsOf = limitsOf;
    }

    /** On this manager's heap. */
    static ServiceLimits forThisManager() {
        return new ServiceLimits(TaskLimits::forThisManager);
    }

    /**
     * @param before the service as stored, or null for a create
     * @throws ApiException 400 naming the field, the request and the limit
     */
    void check(ReadTx read, Service before, ServiceSpec next) throws ApiException {
        TaskLimits limits = limitsOf.apply(read.cluster().map(Cluster::getSpec).map(s -> s.getLimits())
                .orElse(ClusterLimits.getDefaultInstance()));
        long nodes = read.nodes().size();
        long wanted = TaskLimits.wantedTasks(next, nodes);
        long had = before == null ? 0 : TaskLimits.wantedTasks(before.getSpec(), nodes);
        if (wanted <= had) {
            return;
        }
        long replicas = TaskLimits.replicasAskedFor(next);
        if (replicas > limits.maxReplicasPerService()) {
            throw ApiException.badRequest(field(next) + ": " + replicas + " is over the cluster's limit of "
                    + limits.maxReplicasPerService() + " per service (orch cluster update --max-replicas-per-service)");
        }
        long others = 0;
        for (Service s : read.services()) {
            if (before == null || !s.getId().equals(before.getId())) {
                others += TaskLimits.wantedTasks(s.getSpec(), nodes);
            }
        }
        if (others + wanted > limits.maxTasks()) {
            throw ApiException.badRequest(field(next) + ": the " + wanted + " tasks asked for would bring the cluster's services to "
                    + (others + wanted) + " tasks, over its limit of " + limits.maxTasks() + " (orch cluster update --max-tasks)");
        }
    }

    private static String field(ServiceSpec spec) {
        var mode = spec.getMode();
        if (mode.hasReplicatedJob()) {
            return "Mode.ReplicatedJob.TotalCompletions";
        }
        return mode.hasGlobal() || mode.hasGlobalJob() ? "Mode" : "Mode.Replicated.Replicas";
    }
}
