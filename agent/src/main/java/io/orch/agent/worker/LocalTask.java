package io.orch.agent.worker;

import io.orch.api.proto.Task;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.TaskHandle;

import java.util.Optional;

/**
 * A task assigned to this node as the node's containers API shows it ({@code docker ps} on the
 * node): the task, its service's name, the runtime that runs (or ran) it and, while this agent
 * supervises it, its handle.
 *
 * @param runtime null when no runtime of this node can be named for it
 */
public record LocalTask(Task task, String serviceName, ContainerRuntime runtime, Optional<TaskHandle> handle) {}
