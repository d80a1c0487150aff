package io.orch.cli.spec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The ServiceSpec.Mode docker builds from --mode, --replicas, --max-concurrent and
 * --replicas-max-per-node (opts.go ToServiceMode): a replicated job runs --replicas completions,
 * --max-concurrent at a time (default: --replicas); the flags that make no sense for a mode are
 * refused naming the flag.
 */
public final class ServiceModes {
    private ServiceModes() {}

    public static ObjectNode forCreate(String mode, Long replicas, Long maxConcurrent, Long maxReplicasPerNode) {
        String m = mode == null ? "replicated" : mode;
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (maxConcurrent != null && !m.equals("replicated-job")) {
            throw new ServiceSpecBuilder.InvalidCombinationException("--max-concurrent", "max-concurrent can only be used with replicated-job mode");
        }
        switch (m) {
            case "global" -> {
                refuseReplicas(m, replicas, maxReplicasPerNode);
                out.putObject("Global");
            }
            case "global-job" -> {
                refuseReplicas(m, replicas, maxReplicasPerNode);
                out.putObject("GlobalJob");
            }
            case "replicated-job" -> {
                ObjectNode job = out.putObject("ReplicatedJob");
                Long concurrent = maxConcurrent != null ? maxConcurrent : replicas;
                if (concurrent != null) job.put("MaxConcurrent", concurrent);
                if (replicas != null) job.put("TotalCompletions", replicas);
            }
            default -> out.putObject("Replicated").put("Replicas", replicas == null ? 1 : replicas);
        }
        return out;
    }

    private static void refuseReplicas(String mode, Long replicas, Long maxReplicasPerNode) {
        if (replicas != null) {
            throw new ServiceSpecBuilder.InvalidCombinationException("--replicas", "replicas can only be used with replicated or replicated-job mode");
        }
        if (maxReplicasPerNode != null) {
            throw new ServiceSpecBuilder.InvalidCombinationException("--replicas-max-per-node",
                    "replicas-max-per-node can only be used with replicated or replicated-job mode");
        }
    }
}
