package io.orch.scheduler.orchestrator;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadinessTest {
    private static Task task(TaskState state, TaskStatus.Health health) {
        return Task.newBuilder().setStatus(TaskStatus.newBuilder().setState(state).setHealth(health)).build();
    }

    @Test
    void aTaskWithAHealthCheckIsReadyOnlyOnceHealthy() {
        assertTrue(Readiness.RUNNING_AND_HEALTHY.ready(task(TaskState.RUNNING, TaskStatus.Health.NONE)), "no check: running is enough");
        assertTrue(Readiness.RUNNING_AND_HEALTHY.ready(task(TaskState.RUNNING, TaskStatus.Health.HEALTHY)));
        assertFalse(Readiness.RUNNING_AND_HEALTHY.ready(task(TaskState.RUNNING, TaskStatus.Health.STARTING)), "still in its start period");
        assertFalse(Readiness.RUNNING_AND_HEALTHY.ready(task(TaskState.RUNNING, TaskStatus.Health.UNHEALTHY)));
        assertFalse(Readiness.RUNNING_AND_HEALTHY.ready(task(TaskState.STARTING, TaskStatus.Health.NONE)));
        assertTrue(Readiness.RUNNING.ready(task(TaskState.RUNNING, TaskStatus.Health.STARTING)), "the plain rule ignores health");
    }
}
