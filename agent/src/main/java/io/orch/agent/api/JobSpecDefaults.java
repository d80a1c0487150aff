package io.orch.agent.api;

import io.orch.api.proto.ReplicatedJob;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;

/**
 * A job's spec as Docker stores it: ReplicatedJob's MaxConcurrent (default 1) and
 * TotalCompletions (default MaxConcurrent) always filled, since the docker CLI dereferences both
 * in {@code service ls}; and the restart condition on-failure when none was given (Docker's
 * default for jobs: a task that completed must not run again).
 */
final class JobSpecDefaults {
    private JobSpecDefaults() {}

    static ServiceSpec apply(ServiceSpec spec) {
        ServiceSpec.Builder b = spec.toBuilder();
        ServiceMode mode = spec.getMode();
        if (mode.hasReplicatedJob()) {
            ReplicatedJob job = mode.getReplicatedJob();
            long max = job.hasMaxConcurrent() ? job.getMaxConcurrent() : 1;
            b.setMode(ServiceMode.newBuilder().setReplicatedJob(ReplicatedJob.newBuilder()
                    .setMaxConcurrent(max)
                    .setTotalCompletions(job.hasTotalCompletions() ? job.getTotalCompletions() : max)));
        }
        if (!spec.getTaskTemplate().hasRestartPolicy()) {
            b.getTaskTemplateBuilder().setRestartPolicy(RestartPolicy.newBuilder().setCondition(RestartPolicy.Condition.ON_FAILURE));
        }
        return b.build();
    }

    /** A MaxConcurrent of 0 would never start a task: refused rather than a job that never runs. */
    static void check(ServiceMode mode) throws ApiException {
        if (mode.hasReplicatedJob() && mode.getReplicatedJob().hasMaxConcurrent()
                && mode.getReplicatedJob().getMaxConcurrent() == 0) {
            throw ApiException.badRequest(ServiceSpecReader.PREFIX + "Mode.ReplicatedJob.MaxConcurrent: must be at least 1");
        }
    }
}
