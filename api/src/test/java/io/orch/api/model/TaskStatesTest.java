package io.orch.api.model;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskStatesTest {
    private static Task task(String node, TaskState state, TaskState desired) {
        return Task.newBuilder().setNodeId(node).setDesiredState(desired)
                .setStatus(TaskStatus.newBuilder().setState(state)).build();
    }

    @Test
    void theLifecycleIsOrderedAsSwarmkitsAndEveryEndStateIsFinished() {
        assertTrue(TaskStates.before(TaskState.PENDING, TaskState.ASSIGNED));
        assertTrue(TaskStates.before(TaskState.STARTING, TaskState.RUNNING));
        assertTrue(TaskStates.atLeast(TaskState.RUNNING, TaskState.RUNNING));
        assertFalse(TaskStates.finished(TaskState.RUNNING));
        for (TaskState end : new TaskState[]{TaskState.COMPLETE, TaskState.SHUTDOWN, TaskState.FAILED,
                TaskState.REJECTED, TaskState.REMOVE, TaskState.ORPHANED}) {
            assertTrue(TaskStates.finished(end), end.name());
        }
    }

    @Test
    void aTaskHoldsResourcesFromAssignmentUntilItFinishes() {
        assertFalse(TaskStates.holdsResources(task("", TaskState.PENDING, TaskState.RUNNING)));
        assertTrue(TaskStates.holdsResources(task("n1", TaskState.ASSIGNED, TaskState.RUNNING)));
        assertTrue(TaskStates.holdsResources(task("n1", TaskState.RUNNING, TaskState.SHUTDOWN)), "still running while it stops");
        assertFalse(TaskStates.holdsResources(task("n1", TaskState.FAILED, TaskState.RUNNING)));
    }

    @Test
    void onlyLiveUnassignedTasksAwaitPlacement() {
        assertTrue(TaskStates.awaitingPlacement(task("", TaskState.PENDING, TaskState.RUNNING)));
        assertFalse(TaskStates.awaitingPlacement(task("", TaskState.PENDING, TaskState.SHUTDOWN)));
        assertFalse(TaskStates.awaitingPlacement(task("n1", TaskState.ASSIGNED, TaskState.RUNNING)));
        assertTrue(TaskStates.stopWanted(task("n1", TaskState.RUNNING, TaskState.SHUTDOWN)));
        assertFalse(TaskStates.stopWanted(task("n1", TaskState.RUNNING, TaskState.COMPLETE)));
    }

    @Test
    void timestampsRoundTripToTheNanosecond() {
        Instant i = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
        assertEquals(i, Times.instant(Times.timestamp(i)));
    }
}
