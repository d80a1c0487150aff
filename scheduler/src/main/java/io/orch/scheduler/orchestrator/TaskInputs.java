package io.orch.scheduler.orchestrator;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.scheduler.filter.ImageNames;
import io.orch.scheduler.network.IngressPorts;

import java.util.List;

/**
 * What a task takes from its service's spec, and so what makes a running task outdated: the
 * task template (container, resources, placement, networks, restart policy...) and the part of
 * the endpoint spec a task is built from, as swarmkit's {@code IsTaskDirty}. The service's name,
 * labels, mode, replica count and update/rollback configs are not part of a task: changing them
 * rolls nothing.
 *
 * <p>Of the endpoint, a task is built from its host-mode ports (bound on the task's node), the
 * endpoint mode, and whether it is on the ingress network at all (any ingress-mode port). Which
 * ingress ports are published is not the task's business: the routing mesh on every node
 * follows the service's Endpoint.Ports through the network map, so {@code --publish-add} of a
 * second ingress port, or {@code --publish-rm} of one of several, changes what is published
 * without restarting anything. Only the first ingress port added or the last one removed rolls
 * the tasks, because their ingress attachment (an interface in the container) appears or goes.
 */
public final class TaskInputs {
    private TaskInputs() {}

    /** The task was built from a different template or endpoint than the service has now. */
    public static boolean outdated(Service service, Task task) {
        return !sameTemplate(task.getSpec(), service.getSpec().getTaskTemplate())
                || endpointRolls(task.getEndpoint().getSpec(), service.getSpec().getEndpointSpec());
    }

    /** An update from {@code before} to {@code after} needs the tasks replaced (a new spec version). */
    public static boolean changed(ServiceSpec before, ServiceSpec after) {
        return !sameTemplate(before.getTaskTemplate(), after.getTaskTemplate())
                || endpointRolls(before.getEndpointSpec(), after.getEndpointSpec());
    }

    /**
     * The same template as a user means it: empty objects are absent ({@link SpecEquality}) and
     * "busybox" is "busybox:latest" (the docker CLI writes the second when it sends back a spec
     * created through the API with the first).
     */
    static boolean sameTemplate(TaskSpec a, TaskSpec b) {
        return a.equals(b) || SpecEquality.same(canonicalImage(a), canonicalImage(b));
    }

    private static TaskSpec canonicalImage(TaskSpec t) {
        String image = t.getContainerSpec().getImage();
        return image.isEmpty() ? t : t.toBuilder().setContainerSpec(t.getContainerSpec().toBuilder()
                .setImage(ImageNames.canonical(image))).build();
    }

    /** Whether going from endpoint {@code before} to {@code after} must replace the tasks. */
    static boolean endpointRolls(EndpointSpec before, EndpointSpec after) {
        return before.getMode() != after.getMode()
                || !hostPorts(before).equals(hostPorts(after))
                || IngressPorts.needsIngress(before) != IngressPorts.needsIngress(after);
    }

    private static List<PortConfig> hostPorts(EndpointSpec spec) {
        return spec.getPortsList().stream().filter(p -> p.getPublishMode() == PortConfig.PublishMode.HOST).toList();
    }
}
