package io.orch.scheduler.orchestrator;

import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.Service;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.Task;

/**
 * What a task takes from its service's spec, and so what makes a running task outdated: the
 * task template (container, resources, placement, networks, restart policy...) and the endpoint
 * spec (published ports, which a host-mode port binds on the task's node, and the endpoint mode),
 * as swarmkit's {@code IsTaskDirty}. The service's name, labels, mode, replica count and
 * update/rollback configs are not part of a task: changing them rolls nothing.
 */
public final class TaskInputs {
    private TaskInputs() {}

    /** The task was built from a different template or endpoint than the service has now. */
    public static boolean outdated(Service service, Task task) {
        return !task.getSpec().equals(service.getSpec().getTaskTemplate())
                || !task.getEndpoint().getSpec().equals(endpointSpec(service.getSpec()));
    }

    /** An update from {@code before} to {@code after} needs the tasks replaced (a new spec version). */
    public static boolean changed(ServiceSpec before, ServiceSpec after) {
        return !before.getTaskTemplate().equals(after.getTaskTemplate())
                || !endpointSpec(before).equals(endpointSpec(after));
    }

    private static EndpointSpec endpointSpec(ServiceSpec spec) {
        return spec.getEndpointSpec();
    }
}
