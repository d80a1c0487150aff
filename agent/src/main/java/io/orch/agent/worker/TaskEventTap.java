package io.orch.agent.worker;

import io.orch.api.model.TaskStates;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;

/**
 * Turns the statuses one task supervisor reports into {@link TaskEvents}: the first RUNNING of a
 * supervisor that started the task (not one that re-attached it, whose first status is RUNNING
 * already) is a start, and a restart when the start restarts its slot; the final status says
 * whether it was stopped or OOM killed. Health changes report RUNNING again: counted once.
 */
final class TaskEventTap {
    private final Task task;
    private final boolean localRestart;
    private final TaskEvents events;
    private boolean startSeen; // the supervisor reports one status at a time, but from pooled threads
    private boolean endSeen;

    /** @param initial the status the supervisor starts from; RUNNING for a re-attached task */
    TaskEventTap(Task task, TaskStatus initial, boolean localRestart, TaskEvents events) {
        this.task = task;
        this.localRestart = localRestart;
        this.events = events;
        this.startSeen = TaskStates.atLeast(initial.getState(), TaskState.RUNNING);
    }

    synchronized void saw(TaskStatus status) {
        if (status.getState() == TaskState.RUNNING && !startSeen) {
            startSeen = true;
            events.started(task);
            if (localRestart || task.getRestartCount() > 0) {
                events.restarted(task);
            }
        }
        if (!endSeen && TaskStates.atLeast(status.getState(), TaskState.COMPLETE)) {
            endSeen = true;
            if (status.getState() == TaskState.SHUTDOWN && startSeen) {
                events.stopped(task);
            } else if (status.getState() == TaskState.FAILED && status.getErr().startsWith(TaskController.OOM_KILLED)) {
                events.oomKilled(task);
            }
        }
    }
}
