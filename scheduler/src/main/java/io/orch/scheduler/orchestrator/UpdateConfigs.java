package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Service;
import io.orch.api.proto.UpdateConfig;
import io.orch.api.proto.UpdateStatus;

import java.time.Duration;

/**
 * The update (or rollback) settings a rollout actually follows. A spec without UpdateConfig
 * gets Docker's defaults (one task at a time, stop-first, pause on failure, 5 s monitor); a
 * monitor of 0 means the default too (the proto cannot tell "unset" from 0, and Docker's
 * CLI always sends 5 s unless told otherwise).
 */
public final class UpdateConfigs {
    public static final Duration DEFAULT_MONITOR = Duration.ofSeconds(5);
    public static final UpdateConfig DEFAULT = UpdateConfig.newBuilder()
            .setParallelism(1)
            .setFailureAction(UpdateConfig.FailureAction.PAUSE)
            .setMonitor(DEFAULT_MONITOR.toNanos())
            .setOrder(UpdateConfig.Order.STOP_FIRST)
            .build();

    private UpdateConfigs() {}

    /** The service is rolling back (automatically or on request): RollbackConfig applies. */
    public static boolean rollingBack(Service service) {
        UpdateStatus.State s = service.getUpdateStatus().getState();
        return s == UpdateStatus.State.ROLLBACK_STARTED || s == UpdateStatus.State.ROLLBACK_PAUSED;
    }

    public static UpdateConfig effective(Service service) {
        var spec = service.getSpec();
        UpdateConfig c = rollingBack(service)
                ? (spec.hasRollbackConfig() ? spec.getRollbackConfig() : DEFAULT)
                : (spec.hasUpdateConfig() ? spec.getUpdateConfig() : DEFAULT);
        return c.getMonitor() > 0 ? c : c.toBuilder().setMonitor(DEFAULT_MONITOR.toNanos()).build();
    }

    public static Duration monitor(UpdateConfig c) {
        return c.getMonitor() > 0 ? Duration.ofNanos(c.getMonitor()) : DEFAULT_MONITOR;
    }

    public static Duration delay(UpdateConfig c) {
        return Duration.ofNanos(Math.max(0, c.getDelay()));
    }
}
