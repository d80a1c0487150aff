package io.orch.agent.api;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.HealthConfig;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.ReplicatedService;
import io.orch.api.proto.ResourceSet;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.ServiceMode;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.UpdateConfig;
import io.orch.scheduler.filter.Constraint;
import io.orch.scheduler.orchestrator.JobModes;

import java.util.HashSet;
import java.util.Set;

/**
 * Checks a parsed ServiceSpec and fills the two defaults that change meaning (Mode). Each
 * problem is one 400 line naming the field: {@code invalid ServiceSpec: Name: is required}.
 * Pure: no store, no clock.
 */
final class ServiceSpecValidator {
    static final Set<String> RUNTIMES = Set.of("", "container", "process", "runc", "docker");

    private ServiceSpecValidator() {}

    static ServiceSpec validate(ServiceSpec spec) throws ApiException {
        if (spec.getName().isEmpty()) {
            throw invalid("Name", "is required");
        }
        String badName = ObjectNames.dnsNameProblem(spec.getName());
        if (badName != null) {
            throw invalid("Name", badName);
        }
        LabelLimits.check(ServiceSpecReader.PREFIX, spec);
        SpecSizeLimit.check(ServiceSpecReader.PREFIX, spec);
        validateTask(spec.getTaskTemplate());
        validateUpdate("UpdateConfig", spec.getUpdateConfig());
        validateUpdate("RollbackConfig", spec.getRollbackConfig());
        validateEndpoint(spec.getEndpointSpec());
        String runtime = spec.getTaskTemplate().getRuntime();
        if ((runtime.equals("process") || runtime.equals("docker")) && io.orch.scheduler.network.IngressPorts.needsIngress(spec.getEndpointSpec())) {
            // the routing mesh reaches tasks through their address on the ingress network, an overlay
            throw invalid("EndpointSpec.Ports", "the " + runtime + " runtime does not join orch's overlay networks: "
                    + "ingress-mode ports need the runc runtime (or publish with mode=host)");
        }
        JobSpecDefaults.check(spec.getMode());
        return withDefaultMode(spec);
    }

    /** No mode means one replica, and so does Replicated without Replicas (Docker's defaults). */
    static ServiceSpec withDefaultMode(ServiceSpec spec) {
        ServiceMode mode = spec.getMode();
        if (JobModes.isJob(mode)) {
            return JobSpecDefaults.apply(spec);
        }
        if (mode.hasGlobal() || (mode.hasReplicated() && mode.getReplicated().hasReplicas())) {
            return spec;
        }
        return spec.toBuilder().setMode(ServiceMode.newBuilder()
                .setReplicated(ReplicatedService.newBuilder().setReplicas(1))).build();
    }

    private static void validateTask(TaskSpec task) throws ApiException {
        ContainerSpec c = task.getContainerSpec();
        if (c.getImage().isBlank()) {
            throw invalid("TaskTemplate.ContainerSpec.Image", "is required");
        }
        nonNegative("TaskTemplate.ContainerSpec.StopGracePeriod", c.getStopGracePeriod());
        HealthConfig h = c.getHealthcheck();
        nonNegative("TaskTemplate.ContainerSpec.Healthcheck.Interval", h.getInterval());
        nonNegative("TaskTemplate.ContainerSpec.Healthcheck.Timeout", h.getTimeout());
        nonNegative("TaskTemplate.ContainerSpec.Healthcheck.StartPeriod", h.getStartPeriod());
        nonNegative("TaskTemplate.ContainerSpec.Healthcheck.StartInterval", h.getStartInterval());
        nonNegative("TaskTemplate.ContainerSpec.Healthcheck.Retries", h.getRetries());
        resources("TaskTemplate.Resources.Limits", task.getResources().getLimits());
        resources("TaskTemplate.Resources.Reservations", task.getResources().getReservations());
        RestartPolicy restart = task.getRestartPolicy();
        if (restart.hasDelay()) {
            nonNegative("TaskTemplate.RestartPolicy.Delay", restart.getDelay());
        }
        nonNegative("TaskTemplate.RestartPolicy.Window", restart.getWindow());
        for (int i = 0; i < task.getPlacement().getConstraintsCount(); i++) {
            try {
                Constraint.parse(task.getPlacement().getConstraints(i));
            } catch (IllegalArgumentException e) {
                throw invalid("TaskTemplate.Placement.Constraints[" + i + "]", e.getMessage());
            }
        }
        ContainerSpecRules.validate(task);
        if (!RUNTIMES.contains(task.getRuntime())) {
            throw invalid("TaskTemplate.Runtime", "unknown runtime \"" + task.getRuntime()
                    + "\" (want one of: container, process, runc, docker)");
        }
        if (task.getNetworksCount() > 0 && (task.getRuntime().equals("process") || task.getRuntime().equals("docker"))) {
            throw invalid("TaskTemplate.Networks", "the " + task.getRuntime() + " runtime "
                    + (task.getRuntime().equals("process") ? "runs tasks on the host network" : "does not join orch's overlay networks yet")
                    + ": overlay networks need the runc runtime");
        }
    }

    private static void resources(String path, ResourceSet r) throws ApiException {
        nonNegative(path + ".NanoCPUs", r.getNanoCpus());
        nonNegative(path + ".MemoryBytes", r.getMemoryBytes());
        nonNegative(path + ".Pids", r.getPids());
    }

    private static void validateUpdate(String path, UpdateConfig u) throws ApiException {
        nonNegative(path + ".Delay", u.getDelay());
        nonNegative(path + ".Monitor", u.getMonitor());
        if (u.getMaxFailureRatio() < 0 || u.getMaxFailureRatio() > 1 || Double.isNaN(u.getMaxFailureRatio())) {
            throw invalid(path + ".MaxFailureRatio", "must be between 0 and 1, got " + u.getMaxFailureRatio());
        }
    }

    private static void validateEndpoint(EndpointSpec endpoint) throws ApiException {
        Set<String> published = new HashSet<>();
        for (int i = 0; i < endpoint.getPortsCount(); i++) {
            PortConfig p = endpoint.getPorts(i);
            String path = "EndpointSpec.Ports[" + i + "]";
            long target = Integer.toUnsignedLong(p.getTargetPort());
            long publishedPort = Integer.toUnsignedLong(p.getPublishedPort());
            if (target < 1 || target > 65535) {
                throw invalid(path + ".TargetPort", "must be 1..65535, got " + target);
            }
            // 0 asks for a port to be assigned, as in Docker
            if (publishedPort > 65535) {
                throw invalid(path + ".PublishedPort", "must be 1..65535, got " + publishedPort);
            }
            if (p.getPublishedPort() != 0 && !published.add(p.getPublishedPort() + "/" + p.getProtocol() + "/" + p.getPublishMode())) {
                throw invalid(path + ".PublishedPort", "port " + p.getPublishedPort() + "/"
                        + p.getProtocol().name().toLowerCase(java.util.Locale.ROOT) + " is published twice");
            }
            if (endpoint.getMode() == EndpointSpec.Mode.DNSRR && p.getPublishMode() == PortConfig.PublishMode.INGRESS) {
                throw invalid(path + ".PublishMode", "ingress ports cannot be used with EndpointSpec.Mode dnsrr");
            }
        }
    }

    private static void nonNegative(String path, long value) throws ApiException {
        if (value < 0) {
            throw invalid(path, "must not be negative, got " + value);
        }
    }

    static ApiException invalid(String path, String problem) {
        return ApiException.badRequest(ServiceSpecReader.PREFIX + path + ": " + problem);
    }
}
