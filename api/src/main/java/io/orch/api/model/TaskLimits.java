package io.orch.api.model;

import io.orch.api.proto.ClusterLimits;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;

/**
 * How many tasks the cluster's services may ask for, in total and each, so that no request
 * (`--replicas 50000000`) can exhaust a manager's memory: every manager keeps every task in its
 * heap, and a pass, a snapshot or an API answer makes further copies. The cluster's
 * {@link ClusterLimits} set them; zero means a default sized to the heap of the manager that
 * judges the request.
 *
 * @param maxTasks              tasks all services together may ask for
 * @param maxReplicasPerService replicas (or job completions) one service may ask for
 */
public record TaskLimits(long maxTasks, long maxReplicasPerService) {
    /**
     * Heap one task the services ask for is allowed on a manager: a small task measured about
     * 2.3 KiB in the store (its object and the indices, 20,000 tasks); the store may hold twice
     * the limit with history, and a pass, a Raft snapshot or a {@code GET /tasks} answer holds
     * further copies while it runs. With the launcher's -Xmx512m (495 MiB usable): 31,676 tasks.
     */
    public static final long HEAP_BYTES_PER_TASK = 16 * 1024;
    /** Never fewer than this by default, however small the heap (a test agent's). */
    static final long MIN_DEFAULT_TASKS = 1_000;
    /** One service may take at most this share of the default task limit (the rest keeps room for others and for history). */
    static final int DEFAULT_SERVICE_SHARE = 4;

    /** The limits {@code limits} sets, with defaults for a manager whose heap may grow to {@code maxHeapBytes}. */
    public static TaskLimits of(ClusterLimits limits, long maxHeapBytes) {
        long tasks = limits.getMaxTasks() > 0 ? limits.getMaxTasks()
                : Math.max(MIN_DEFAULT_TASKS, maxHeapBytes / HEAP_BYTES_PER_TASK);
        long perService = limits.getMaxReplicasPerService() > 0 ? limits.getMaxReplicasPerService()
                : Math.max(1, tasks / DEFAULT_SERVICE_SHARE);
        return new TaskLimits(tasks, Math.min(perService, tasks));
    }

    /** For this JVM's heap. */
    public static TaskLimits forThisManager(ClusterLimits limits) {
        return of(limits, Runtime.getRuntime().maxMemory());
    }

    /**
     * The tasks a service of {@code spec} asks for at once on a cluster of {@code nodes} nodes: its
     * replicas, one per node when global, a replicated job's completions (each keeps its task).
     */
    public static long wantedTasks(ServiceSpec spec, long nodes) {
        ServiceMode mode = spec.getMode();
        if (mode.hasGlobal() || mode.hasGlobalJob()) {
            return nodes;
        }
        if (mode.hasReplicatedJob()) {
            var job = mode.getReplicatedJob();
            long concurrent = job.hasMaxConcurrent() ? job.getMaxConcurrent() : 1;
            return Math.max(concurrent, job.hasTotalCompletions() ? job.getTotalCompletions() : concurrent);
        }
        return mode.hasReplicated() ? mode.getReplicated().getReplicas() : 1;
    }

    /** The count {@link #maxReplicasPerService} limits: a replicated service's or job's (global ones follow the nodes). */
    public static long replicasAskedFor(ServiceSpec spec) {
        ServiceMode mode = spec.getMode();
        return mode.hasGlobal() || mode.hasGlobalJob() ? 0 : wantedTasks(spec, 0);
    }
}
