package io.orch.agent.api;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.EndpointSpec;
import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.UpdateConfig;

/**
 * Docker's {@code insertDefaults=true}: the spec as it will behave, with the defaults the user
 * left out shown. Applied to output only; the stored spec keeps what the user sent.
 */
final class ServiceDefaults {
    static final long STOP_GRACE_PERIOD = 10_000_000_000L;
    static final long MONITOR = 5_000_000_000L;
    static final UpdateConfig UPDATE = UpdateConfig.newBuilder()
            .setParallelism(1)
            .setFailureAction(UpdateConfig.FailureAction.PAUSE)
            .setMonitor(MONITOR)
            .setMaxFailureRatio(0)
            .setOrder(UpdateConfig.Order.STOP_FIRST)
            .build();

    private ServiceDefaults() {}

    static ServiceSpec insert(ServiceSpec spec) {
        ServiceSpec.Builder b = spec.toBuilder();
        b.setUpdateConfig(spec.hasUpdateConfig() ? withMonitor(spec.getUpdateConfig()) : UPDATE);
        b.setRollbackConfig(spec.hasRollbackConfig() ? withMonitor(spec.getRollbackConfig()) : UPDATE);
        TaskSpec.Builder task = b.getTaskTemplateBuilder();
        if (!task.hasRestartPolicy()) {
            // Condition ANY is the enum's zero value; MaxAttempts 0 means unlimited
            task.setRestartPolicy(RestartPolicy.newBuilder().setCondition(RestartPolicy.Condition.ANY));
        }
        ContainerSpec.Builder container = task.getContainerSpecBuilder();
        if (container.getStopGracePeriod() == 0) {
            container.setStopGracePeriod(STOP_GRACE_PERIOD);
        }
        if (!spec.hasEndpointSpec()) {
            b.setEndpointSpec(EndpointSpec.newBuilder().setMode(EndpointSpec.Mode.VIP));
        }
        return b.build();
    }

    private static UpdateConfig withMonitor(UpdateConfig u) {
        return u.getMonitor() == 0 ? u.toBuilder().setMonitor(MONITOR).build() : u;
    }
}
