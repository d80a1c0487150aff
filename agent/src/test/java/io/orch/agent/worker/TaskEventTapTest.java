package io.orch.agent.worker;

import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The statuses one supervisor reports, as task events: starts, restarts, stops, OOM kills, each once. */
class TaskEventTapTest {
    private final List<String> heard = new ArrayList<>();
    private final TaskEvents events = new TaskEvents() {
        @Override
        public void started(Task task) {
            heard.add("started " + task.getId());
        }

        @Override
        public void restarted(Task task) {
            heard.add("restarted " + task.getId());
        }

        @Override
        public void stopped(Task task) {
            heard.add("stopped " + task.getId());
        }

        @Override
        public void oomKilled(Task task) {
            heard.add("oom " + task.getId());
        }
    };

    private static Task task(int restartCount) {
        return Task.newBuilder().setId("t1").setRestartCount(restartCount).build();
    }

    private static TaskStatus status(TaskState state, String err) {
        return TaskStatus.newBuilder().setState(state).setErr(err).build();
    }

    @Test
    void aStartIsTheFirstRunningAndAHealthChangeIsNoSecondStart() {
        TaskEventTap tap = new TaskEventTap(task(0), status(TaskState.ASSIGNED, ""), false, events);
        for (TaskState s : new TaskState[] {TaskState.ACCEPTED, TaskState.PREPARING, TaskState.READY, TaskState.STARTING,
                TaskState.RUNNING, TaskState.RUNNING}) {
            tap.saw(status(s, ""));
        }
        tap.saw(status(TaskState.SHUTDOWN, ""));
        assertEquals(List.of("started t1", "stopped t1"), heard);
    }

    @Test
    void aReplacementUnderTheSameSpecAndALocalRestartAreRestarts() {
        new TaskEventTap(task(2), status(TaskState.ASSIGNED, ""), false, events).saw(status(TaskState.RUNNING, ""));
        new TaskEventTap(task(0), status(TaskState.ASSIGNED, ""), true, events).saw(status(TaskState.RUNNING, ""));
        assertEquals(List.of("started t1", "restarted t1", "started t1", "restarted t1"), heard);
    }

    @Test
    void aReattachedTaskIsNoStart() {
        TaskEventTap tap = new TaskEventTap(task(0), status(TaskState.RUNNING, ""), false, events);
        tap.saw(status(TaskState.RUNNING, ""));
        tap.saw(status(TaskState.FAILED, "task: non-zero exit (1)"));
        assertEquals(List.of(), heard);
    }

    @Test
    void anOomKillIsCountedFromTheFinalStatusOnce() {
        TaskEventTap tap = new TaskEventTap(task(0), status(TaskState.STARTING, ""), false, events);
        tap.saw(status(TaskState.RUNNING, ""));
        tap.saw(status(TaskState.FAILED, TaskController.OOM_KILLED + " (exit 137)"));
        tap.saw(status(TaskState.FAILED, TaskController.OOM_KILLED + " (exit 137)"));
        assertEquals(List.of("started t1", "oom t1"), heard);
    }

    @Test
    void aTaskRejectedBeforeItRanIsNeitherStartedNorStopped() {
        TaskEventTap tap = new TaskEventTap(task(0), status(TaskState.ASSIGNED, ""), false, events);
        tap.saw(status(TaskState.REJECTED, "no such image"));
        assertEquals(List.of(), heard);
    }
}
