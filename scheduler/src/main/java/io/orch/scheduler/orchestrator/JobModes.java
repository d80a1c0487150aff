package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;

/** What a service's mode means to the planners: a job or not, one slot per node or numbered slots. */
public final class JobModes {
    private JobModes() {}

    public static boolean isJob(ServiceMode mode) {
        return mode.hasReplicatedJob() || mode.hasGlobalJob();
    }

    public static boolean isJob(Service service) {
        return isJob(service.getSpec().getMode());
    }

    /** Global services and global jobs: a slot is a node. */
    public static boolean perNode(Service service) {
        ServiceMode mode = service.getSpec().getMode();
        return mode.hasGlobal() || mode.hasGlobalJob();
    }

    /** At most this many tasks of a replicated job run at once (Docker's default 1). */
    public static long maxConcurrent(Service service) {
        var job = service.getSpec().getMode().getReplicatedJob();
        return job.hasMaxConcurrent() ? job.getMaxConcurrent() : 1;
    }

    /** This many tasks of a replicated job must complete (Docker's default: MaxConcurrent). */
    public static long totalCompletions(Service service) {
        var job = service.getSpec().getMode().getReplicatedJob();
        return job.hasTotalCompletions() ? job.getTotalCompletions() : maxConcurrent(service);
    }

    /** The run of the job that is current; a task of another run is history. */
    public static long iteration(Service service) {
        return service.getJobStatus().getJobIteration().getIndex();
    }
}
