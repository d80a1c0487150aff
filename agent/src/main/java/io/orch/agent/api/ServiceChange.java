package io.orch.agent.api;

import io.orch.api.model.Times;
import io.orch.api.proto.Endpoint;
import io.orch.api.proto.JobStatus;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.UpdateStatus;
import io.orch.api.proto.Version;
import io.orch.api.json.DockerJson;
import io.orch.scheduler.orchestrator.JobModes;
import io.orch.scheduler.orchestrator.TaskInputs;
import io.orch.scheduler.orchestrator.UpdateStatuses;

import java.time.Instant;

/** How create and update turn a spec into the Service to store. Pure functions. */
final class ServiceChange {
    private ServiceChange() {}

    static Service created(String id, ServiceSpec spec) {
        return created(id, spec, Instant.now());
    }

    /** A new service; a job's first run starts at {@code now} (iteration 1). */
    static Service created(String id, ServiceSpec spec, Instant now) {
        Service.Builder b = Service.newBuilder()
                .setId(id)
                .setSpec(spec)
                .setSpecVersion(1)
                .setEndpoint(endpoint(spec));
        if (JobModes.isJob(spec.getMode())) {
            b.setJobStatus(jobRun(1, now));
        }
        return b.build();
    }

    /**
     * As swarmkit: every update of a job (changed or not, so {@code --force} reruns it) starts a
     * new run; the tasks of the previous one are stopped by the orchestrator.
     */
    private static JobStatus jobRun(long iteration, Instant now) {
        return JobStatus.newBuilder()
                .setJobIteration(Version.newBuilder().setIndex(iteration))
                .setLastExecution(Times.timestamp(now))
                .build();
    }

    /** Docker's mode names, also the {@code mode} filter's values. */
    static String modeName(ServiceMode mode) {
        if (mode.hasGlobal()) {
            return "global";
        }
        if (mode.hasReplicatedJob()) {
            return "replicated-job";
        }
        return mode.hasGlobalJob() ? "global-job" : "replicated";
    }

    /**
     * The service after {@code POST /services/{id}/update}. The previous spec is kept for
     * rollback; SpecVersion moves only when what tasks are built from changed (tasks of the old version
     * must be replaced; a replica count change alone must not restart anything).
     *
     * @param version  the Version.Index the client read (the store rejects the write if it moved)
     * @param rollback {@code rollback=previous}: the request body is ignored in favour of PreviousSpec
     */
    static Service updated(Service current, ServiceSpec requested, long version, boolean rollback, Instant now)
            throws ApiException {
        ServiceSpec next = requested;
        if (rollback) {
            if (!current.hasPreviousSpec()) {
                throw ApiException.badRequest("service " + current.getSpec().getName() + " does not have a previous spec");
            }
            next = current.getPreviousSpec();
        }
        if (!next.getName().equals(current.getSpec().getName())) {
            throw ApiException.badRequest("renaming services is not supported");
        }
        if (!modeName(next.getMode()).equals(modeName(current.getSpec().getMode()))) {
            throw ApiException.badRequest("service mode change is not allowed");
        }
        // the task template or the endpoint (published ports, endpoint mode): what tasks are built from
        boolean templateChanged = TaskInputs.changed(current.getSpec(), next);
        Service.Builder b = current.toBuilder()
                .setVersion(Version.newBuilder().setIndex(version))
                .setSpec(next)
                .setPreviousSpec(current.getSpec())
                // the VIPs stay the service's: the orchestrator drops those of networks it left
                .setEndpoint(endpoint(next).toBuilder().addAllVirtualIps(current.getEndpoint().getVirtualIpsList()));
        if (JobModes.isJob(next.getMode())) {
            b.setJobStatus(jobRun(current.getJobStatus().getJobIteration().getIndex() + 1, now));
        }
        if (templateChanged) {
            b.setSpecVersion(current.getSpecVersion() + 1);
            // As swarmkit does: a new rollout starts with no status (the update loop sets
            // "updating"/"completed"), a manual rollback announces itself. A stale "completed"
            // would make the CLI stop watching before the new rollout even began.
            if (rollback) {
                b.setUpdateStatus(UpdateStatuses.manualRollback(now));
            } else {
                b.clearUpdateStatus();
            }
        } else if (!rollback && UpdateStatuses.paused(current.getUpdateStatus())) {
            // Docker's way to resume a paused update: update the service again (even unchanged);
            // the update loop then starts the remaining slots with a fresh failure count.
            b.clearUpdateStatus();
        }
        return b.build();
    }

    /**
     * {@code POST /services/{id}/update?updateAction=pause|resume} (orch, beyond Swarm): pauses
     * the update or rollback in flight, or resumes a paused one. The spec is left as it is.
     */
    static Service updateAction(Service current, String action, long version, Instant now) throws ApiException {
        UpdateStatus status = current.getUpdateStatus();
        String name = current.getSpec().getName();
        UpdateStatus next;
        switch (action) {
            case "pause" -> {
                if (!UpdateStatuses.active(status)) {
                    throw ApiException.badRequest("service " + name + " has no update in progress to pause"
                            + describe(status));
                }
                next = UpdateStatuses.pausedByUser(status);
            }
            case "resume" -> {
                if (!UpdateStatuses.paused(status)) {
                    throw ApiException.badRequest("service " + name + " has no paused update to resume" + describe(status));
                }
                next = UpdateStatuses.resumed(status, now);
            }
            default -> throw ApiException.badRequest("invalid updateAction '" + action + "': expected pause or resume");
        }
        return current.toBuilder().setVersion(Version.newBuilder().setIndex(version)).setUpdateStatus(next).build();
    }

    private static String describe(UpdateStatus status) {
        return status.getState() == UpdateStatus.State.UNSPECIFIED ? ""
                : " (update status: " + DockerJson.dockerValue(status.getState().getValueDescriptor()) + ")";
    }

    /**
     * The endpoint as the spec asks for it. Its Ports are the spec's as given here; the
     * transaction that writes the service replaces them with the allocated ones ({@link ServicePorts}:
     * ingress ports checked against every other service, PublishedPort 0 given a port).
     */
    static Endpoint endpoint(ServiceSpec spec) {
        Endpoint.Builder e = Endpoint.newBuilder();
        if (spec.hasEndpointSpec()) {
            e.setSpec(spec.getEndpointSpec()).addAllPorts(spec.getEndpointSpec().getPortsList());
        }
        return e.build();
    }
}
