package io.orch.agent.worker;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.runtime.ContainerRuntime;

/**
 * A task this node's worker supervises: as last given, its service's name (the service id when
 * the name is unknown here), the state it last reported, and the runtime that runs it.
 */
public record SupervisedTask(Task task, String serviceName, TaskState state, ContainerRuntime runtime) {
}
