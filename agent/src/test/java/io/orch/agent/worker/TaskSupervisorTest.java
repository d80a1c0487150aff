package io.orch.agent.worker;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.fake.FakeRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskSupervisorTest {
    private final FakeRuntime runtime = new FakeRuntime();
    private final TaskExecution execution = TaskExecution.threads();
    private final List<TaskStatus> reported = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final Task task = Task.newBuilder().setId("t1").setDesiredState(TaskState.RUNNING)
            .setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox")))
            .setStatus(TaskStatus.newBuilder().setState(TaskState.ASSIGNED)).build();
    private final TaskConfig config = new TaskConfig("t1", "svc.1.t1", "busybox", List.of("sleep", "1000"), Map.of(), "",
            "", "", null, Map.of(), Path.of("/nonexistent/t1"), null, null);

    @AfterEach
    void tearDown() {
        execution.close();
    }

    /** Whether the supervisor said it was done when it announced its final status (before the destroy). */
    private final List<Boolean> doneWhenFinished = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicReference<TaskSupervisor> self = new java.util.concurrent.atomic.AtomicReference<>();

    private TaskSupervisor supervisor() {
        TaskSupervisor s = new TaskSupervisor(task, task.getStatus(),
                extra -> new TaskController("t1", runtime, config, (c, p) -> { }, Clock.systemUTC(),
                        new RetryDelays(new Random(1)), execution::execute, extra),
                execution, reported::add, new TaskSupervisor.Listener() {
                    @Override
                    public void started(TaskHandle handle) {
                        events.add("started " + reported.size());
                    }

                    @Override
                    public void finished(String taskId) {
                        doneWhenFinished.add(self.get().isDone());
                        events.add("finished");
                    }

                    @Override
                    public void gone(String taskId, TaskStatus last) {
                        events.add("gone " + last.getState());
                    }
                });
        self.set(s);
        return s;
    }

    private List<TaskState> states() {
        return reported.stream().map(TaskStatus::getState).toList();
    }

    private TaskState lastState() {
        return reported.isEmpty() ? null : reported.get(reported.size() - 1).getState();
    }

    @Test
    void everyStateIsReportedOnceInOrderAndTheExitEndsIt() {
        TaskSupervisor s = supervisor();
        s.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> lastState() == TaskState.RUNNING);
        assertEquals(List.of(TaskState.ACCEPTED, TaskState.PREPARING, TaskState.READY, TaskState.STARTING, TaskState.RUNNING),
                states());
        assertEquals("started 4", events.get(0), "the handle is kept before RUNNING is reported");

        runtime.exit("t1", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("gone COMPLETE"));
        assertEquals(TaskState.COMPLETE, lastState());
        assertTrue(s.isDone());
        assertEquals(1, runtime.calls("destroy").size(), "its container is freed once");
        assertEquals(List.of(false), doneWhenFinished, "not done before its container is destroyed (the worker would forget it while the destroy still holds addresses and mounts)");
    }

    @Test
    void aTemporaryStartFailureIsRetriedWithoutEndingTheTask() {
        runtime.failNextStart(true, "busy");
        runtime.failNextStart(true, "busy");
        supervisor().start();
        await().atMost(Duration.ofSeconds(10)).until(() -> lastState() == TaskState.RUNNING);
        assertEquals(3, runtime.startCount("t1"));
        assertTrue(states().stream().noneMatch(st -> st == TaskState.REJECTED || st == TaskState.FAILED), states().toString());
    }

    @Test
    void aStopDuringTheRetryDelayShutsTheTaskDownWithoutStartingIt() {
        runtime.failEveryStart(true, "busy");
        TaskSupervisor s = supervisor();
        s.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.startCount("t1") == 1);
        s.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> lastState() == TaskState.SHUTDOWN);
        assertTrue(s.isDone());
        assertTrue(runtime.runningTaskIds().isEmpty());
    }

    @Test
    void aDesiredShutdownFromTheStoreStopsARunningTask() {
        TaskSupervisor s = supervisor();
        s.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> lastState() == TaskState.RUNNING);
        s.update(task.toBuilder().setDesiredState(TaskState.SHUTDOWN).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("gone SHUTDOWN"));
        assertEquals(1, runtime.calls("stop").size());
        assertEquals(143, reported.get(reported.size() - 1).getContainerStatus().getExitCode());
    }
}
