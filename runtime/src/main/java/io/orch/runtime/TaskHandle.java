package io.orch.runtime;

import java.util.Map;

/**
 * What the agent persists about a started task so a later agent process can re-attach
 * ({@link ContainerRuntime#recover}). {@code startTimeMillis} guards against PID reuse.
 */
public record TaskHandle(String taskId, String runtime, long pid, long startTimeMillis,
                         String containerId, Map<String, String> driverState) {
    public TaskHandle {
        driverState = Map.copyOf(driverState);
    }
}
