package io.orch.agent.worker;

import io.orch.api.proto.TaskState;

/**
 * A task's status was asked to move backwards (swarmkit panics on "invalid state transition"):
 * a caller stepped from a status older than one the controller already returned, which is a
 * bug in the caller, never something to absorb silently.
 */
final class InvalidTransition extends IllegalStateException {
    InvalidTransition(String taskId, TaskState from, TaskState to) {
        super("task " + taskId + ": status cannot move backwards from " + from + " to " + to);
    }
}
