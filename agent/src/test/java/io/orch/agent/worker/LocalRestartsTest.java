package io.orch.agent.worker;

import io.orch.api.proto.RestartPolicy;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.api.model.Times;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalRestartsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final TestWorkerView view = new TestWorkerView();
    private final LocalRestarts restarts = new LocalRestarts();

    private Task task(String id, RestartPolicy policy) {
        Task t = Task.newBuilder().setId(id).setDesiredState(TaskState.RUNNING).setSpecVersion(1)
                .setCreatedAt(Times.timestamp(T0)).setSpec(TaskSpec.newBuilder().setRestartPolicy(policy)).build();
        view.tasks.put(id, t);
        return t;
    }

    private static TaskStatus ended(TaskState state, Instant at) {
        return TaskStatus.newBuilder().setState(state).setTimestamp(Times.timestamp(at)).build();
    }

    private static List<String> ids(LocalRestarts.Plan plan) {
        return plan.restartNow().stream().map(Task::getId).toList();
    }

    @Test
    void aFailedTaskOfANodeCutOffIsRestartedNow() {
        Task t = task("t1", RestartPolicy.getDefaultInstance());
        restarts.exited(t, ended(TaskState.FAILED, T0));
        assertTrue(restarts.waiting("t1"));
        assertEquals(List.of("t1"), ids(restarts.plan(view, T0)));
        assertFalse(restarts.waiting("t1"), "handed to the worker");
    }

    @Test
    void whileAManagerIsReachableNothingIsRestartedHere() {
        Task t = task("t1", RestartPolicy.getDefaultInstance());
        view.connected = true;
        view.cutOff = false;
        restarts.exited(t, ended(TaskState.FAILED, T0));
        LocalRestarts.Plan plan = restarts.plan(view, T0);
        assertTrue(plan.restartNow().isEmpty());
        assertNull(plan.wake());
        assertFalse(restarts.waiting("t1"), "the orchestrator decides");
    }

    @Test
    void withinTheGraceItWaitsForAManagerToComeBack() {
        Task t = task("t1", RestartPolicy.getDefaultInstance());
        view.cutOff = false;
        restarts.exited(t, ended(TaskState.FAILED, T0));
        LocalRestarts.Plan plan = restarts.plan(view, T0);
        assertTrue(plan.restartNow().isEmpty());
        assertEquals(T0.plusMillis(200), plan.wake());
        assertTrue(restarts.waiting("t1"));
        view.cutOff = true;
        assertEquals(List.of("t1"), ids(restarts.plan(view, T0.plusMillis(200))));
    }

    @Test
    void aRequestedStopOrARejectionIsNeverRestarted() {
        Task t = task("t1", RestartPolicy.getDefaultInstance());
        restarts.exited(t, ended(TaskState.SHUTDOWN, T0));
        restarts.exited(t, ended(TaskState.REJECTED, T0));
        assertFalse(restarts.waiting("t1"));
    }

    @Test
    void onFailureLeavesACompletedTaskDown() {
        Task t = task("t1", RestartPolicy.newBuilder().setCondition(RestartPolicy.Condition.ON_FAILURE).build());
        restarts.exited(t, ended(TaskState.COMPLETE, T0));
        assertTrue(restarts.plan(view, T0).restartNow().isEmpty());
        assertFalse(restarts.waiting("t1"));
    }

    @Test
    void aFixedDelayIsWaitedOut() {
        Task t = task("t1", RestartPolicy.newBuilder().setDelay(Duration.ofSeconds(5).toNanos()).build());
        restarts.exited(t, ended(TaskState.FAILED, T0));
        LocalRestarts.Plan plan = restarts.plan(view, T0.plusSeconds(1));
        assertTrue(plan.restartNow().isEmpty());
        assertEquals(T0.plusSeconds(5), plan.wake());
        assertEquals(List.of("t1"), ids(restarts.plan(view, T0.plusSeconds(5))));
    }

    @Test
    void maxAttemptsCountsTheOrchestratorsRestartsAndTheLocalOnes() {
        Task t = task("t1", RestartPolicy.newBuilder().setMaxAttempts(4).setDelay(0).build())
                .toBuilder().setRestartCount(2).build(); // restarted twice by the orchestrator already
        view.tasks.put("t1", t);
        int local = 0;
        Instant now = T0;
        for (int i = 0; i < 10; i++) {
            restarts.exited(t, ended(TaskState.FAILED, now));
            if (ids(restarts.plan(view, now)).isEmpty()) {
                break;
            }
            local++;
            restarts.restarted(t, now);
            now = now.plusSeconds(1);
        }
        assertEquals(2, local, "4 attempts in all");
        assertFalse(restarts.waiting("t1"));
    }

    @Test
    void aTaskNoLongerWantedOrAssignedIsForgotten() {
        Task t = task("t1", RestartPolicy.getDefaultInstance());
        restarts.exited(t, ended(TaskState.FAILED, T0));
        view.tasks.put("t1", t.toBuilder().setDesiredState(TaskState.SHUTDOWN).build());
        assertTrue(restarts.plan(view, T0).restartNow().isEmpty());
        assertFalse(restarts.waiting("t1"));

        restarts.exited(t, ended(TaskState.FAILED, T0));
        restarts.retain(Set.of());
        assertFalse(restarts.waiting("t1"));
    }
}
