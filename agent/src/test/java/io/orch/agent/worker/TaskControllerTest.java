package io.orch.agent.worker;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.fake.FakeRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One test per transition of the task state machine, on the fake runtime; steps are called directly. */
class TaskControllerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final FakeRuntime runtime = new FakeRuntime();
    private final List<TaskStatus> extra = new ArrayList<>();
    private final List<String> prepared = new ArrayList<>();
    private TaskController.Preparer preparer = (config, progress) -> {
        prepared.add(config.taskId());
        progress.accept("pulling");
    };
    private final Task task = Task.newBuilder().setId("t1").setDesiredState(TaskState.RUNNING)
            .setSpec(TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("busybox").addCommand("sleep")))
            .build();
    private final TaskConfig config = new TaskConfig("t1", "svc.1.t1", "busybox", List.of("sleep", "1000"), Map.of(), "",
            "", "", null, Map.of(), Path.of("/nonexistent/t1"), null, null);

    private TaskController controller() {
        return new TaskController("t1", runtime, config, (c, p) -> preparer.prepare(c, p), CLOCK,
                new RetryDelays(new Random(1)), Runnable::run, extra::add);
    }

    private static TaskStatus at(TaskState state) {
        return TaskStatus.newBuilder().setState(state).build();
    }

    private static Task desired(Task t, TaskState state) {
        return t.toBuilder().setDesiredState(state).build();
    }

    /** Steps a fresh controller from ASSIGNED up to {@code target}, checking each step moved on. */
    private TaskStatus stepTo(TaskController c, TaskState target) {
        TaskStatus s = at(TaskState.ASSIGNED);
        while (s.getState() != target) {
            Step step = c.step(task, s);
            assertInstanceOf(Step.Advanced.class, step, "on the way to " + target + " at " + s.getState());
            s = step.status();
        }
        return s;
    }

    @Test
    void assignedIsAccepted() {
        Step step = controller().step(task, at(TaskState.ASSIGNED));
        assertInstanceOf(Step.Advanced.class, step);
        assertEquals(TaskState.ACCEPTED, step.status().getState());
        assertEquals("accepted", step.status().getMessage());
    }

    @Test
    void acceptedIsPreparing() {
        assertEquals(TaskState.PREPARING, controller().step(task, at(TaskState.ACCEPTED)).status().getState());
        assertTrue(prepared.isEmpty(), "entering PREPARING does not prepare yet");
    }

    @Test
    void preparingPreparesAndIsReady() {
        Step step = controller().step(task, at(TaskState.PREPARING));
        assertEquals(TaskState.READY, step.status().getState());
        assertEquals(List.of("t1"), prepared);
        assertEquals("pulling", extra.get(0).getMessage());
        assertEquals(TaskState.PREPARING, extra.get(0).getState());
    }

    @Test
    void readyIsStartingWithoutStartingYet() {
        assertEquals(TaskState.STARTING, controller().step(task, at(TaskState.READY)).status().getState());
        assertEquals(0, runtime.startCount("t1"));
    }

    @Test
    void startingStartsTheContainerAndIsRunning() {
        TaskController c = controller();
        TaskStatus running = stepTo(c, TaskState.RUNNING);
        assertEquals(1, runtime.startCount("t1"));
        assertTrue(runtime.isRunning("t1"));
        assertEquals(runtime.inspect("t1").orElseThrow().pid(), running.getContainerStatus().getPid());
        assertFalse(running.getContainerStatus().getContainerId().isEmpty());
    }

    @Test
    void runningWaitsForTheExitThenCompletes() {
        TaskController c = controller();
        TaskStatus running = stepTo(c, TaskState.RUNNING);
        Step waiting = c.step(task, running);
        assertInstanceOf(Step.Waiting.class, waiting);
        assertFalse(((Step.Waiting) waiting).exit().isDone());
        assertEquals(running, waiting.status(), "waiting changes nothing");

        runtime.exit("t1", 0);
        assertTrue(((Step.Waiting) waiting).exit().isDone());
        TaskStatus done = c.step(task, running).status();
        assertEquals(TaskState.COMPLETE, done.getState());
        assertEquals(0, done.getContainerStatus().getExitCode());
    }

    @Test
    void aNonZeroExitFails() {
        TaskController c = controller();
        TaskStatus running = stepTo(c, TaskState.RUNNING);
        runtime.exit("t1", 3);
        TaskStatus done = c.step(task, running).status();
        assertEquals(TaskState.FAILED, done.getState());
        assertEquals("task: non-zero exit (3)", done.getErr());
        assertEquals(3, done.getContainerStatus().getExitCode());
    }

    @Test
    void aTemporaryStartFailureIsRetriedInPlaceWithABoundedDelay() {
        TaskController c = controller();
        TaskStatus starting = stepTo(c, TaskState.STARTING);
        runtime.failNextStart(true, "disk briefly full");
        Step retry = c.step(task, starting);
        Step.Retry r = assertInstanceOf(Step.Retry.class, retry);
        assertEquals(TaskState.STARTING, r.status().getState(), "the task stays where it was");
        assertEquals("disk briefly full", r.cause().getMessage());
        long first = RetryDelays.FIRST.toMillis();
        assertTrue(r.delay().toMillis() >= first * (1 - RetryDelays.JITTER) && r.delay().toMillis() <= first * (1 + RetryDelays.JITTER),
                "first retry after about " + first + " ms: " + r.delay());

        Step again = c.step(task, r.status());
        assertEquals(TaskState.RUNNING, again.status().getState());
        assertEquals(2, runtime.startCount("t1"));
    }

    @Test
    void temporaryFailuresThatDoNotEndRejectTheTaskAfterTheLastRetry() {
        TaskController c = controller();
        TaskStatus s = stepTo(c, TaskState.STARTING);
        runtime.failEveryStart(true, "runtime busy");
        List<Duration> delays = new ArrayList<>();
        Step step = c.step(task, s);
        while (step instanceof Step.Retry r) {
            delays.add(r.delay());
            step = c.step(task, r.status());
        }
        assertEquals(TaskController.MAX_TEMPORARY_RETRIES, delays.size());
        assertTrue(delays.stream().allMatch(d -> d.compareTo(RetryDelays.MAX.multipliedBy(2)) < 0), "bounded: " + delays);
        assertTrue(delays.get(delays.size() - 1).compareTo(delays.get(0)) > 0, "growing: " + delays);
        assertEquals(TaskState.REJECTED, step.status().getState());
        assertTrue(step.status().getErr().startsWith("runtime busy (still failing after 5 retries)"), step.status().getErr());
        assertEquals(TaskController.MAX_TEMPORARY_RETRIES + 1, runtime.startCount("t1"));
    }

    @Test
    void aPermanentStartFailureRejectsTheTask() {
        TaskController c = controller();
        TaskStatus starting = stepTo(c, TaskState.STARTING);
        runtime.failNextStart(false, "executable not found: sleep");
        Step step = c.step(task, starting);
        assertEquals(TaskState.REJECTED, step.status().getState());
        assertEquals("executable not found: sleep", step.status().getErr());
        assertEquals(1, runtime.startCount("t1"), "no retry");
    }

    @Test
    void aPermanentFailureWhilePreparingRejectsTheTask() {
        preparer = (config, progress) -> {
            throw new RuntimeFailure("image busybox not found", false);
        };
        Step step = controller().step(task, at(TaskState.PREPARING));
        assertEquals(TaskState.REJECTED, step.status().getState());
        assertEquals("image busybox not found", step.status().getErr());
    }

    @Test
    void aTemporaryFailureWhilePreparingIsRetried() {
        int[] calls = {0};
        preparer = (config, progress) -> {
            if (calls[0]++ == 0) {
                throw new RuntimeFailure("registry unreachable", true);
            }
        };
        TaskController c = controller();
        Step retry = c.step(task, at(TaskState.PREPARING));
        assertInstanceOf(Step.Retry.class, retry);
        assertEquals(TaskState.READY, c.step(task, retry.status()).status().getState());
    }

    @Test
    void aFailureAfterStartingFailsTheTask() {
        // re-attached to a process whose exit the runtime cannot watch: it ran, so it FAILED
        TaskController c = controller();
        TaskStatus running = c.reattached(task, new TaskHandle("t1", "fake", 42, 1, "fake-t1", Map.of()));
        TaskStatus done = c.step(task, running).status();
        assertEquals(TaskState.FAILED, done.getState());
        assertTrue(done.getErr().startsWith("task supervision failed"), done.getErr());
    }

    @Test
    void movingBackwardsIsAnError() {
        TaskController c = controller();
        TaskStatus starting = stepTo(c, TaskState.STARTING);
        assertEquals(TaskState.STARTING, starting.getState());
        InvalidTransition e = assertThrows(InvalidTransition.class, () -> c.step(task, at(TaskState.ACCEPTED)));
        assertEquals("task t1: status cannot move backwards from STARTING to ACCEPTED", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = TaskState.class, names = {"ASSIGNED", "ACCEPTED", "PREPARING", "READY", "STARTING"})
    void shutdownBeforeTheTaskRunsStartsNothing(TaskState from) {
        TaskController c = controller();
        TaskStatus s = from == TaskState.ASSIGNED ? at(from) : stepTo(c, from);
        Step step = c.step(desired(task, TaskState.SHUTDOWN), s);
        assertEquals(TaskState.SHUTDOWN, step.status().getState());
        assertEquals(0, runtime.startCount("t1"));
        assertTrue(runtime.calls("stop").isEmpty());
    }

    @Test
    void shutdownWhileRunningStopsTheTask() {
        TaskController c = controller();
        TaskStatus running = stepTo(c, TaskState.RUNNING);
        Step step = c.step(desired(task, TaskState.SHUTDOWN), running);
        assertEquals(TaskState.SHUTDOWN, step.status().getState());
        assertEquals(143, step.status().getContainerStatus().getExitCode(), "stopped with SIGTERM");
        assertEquals(1, runtime.calls("stop").size());
    }

    @Test
    void shutdownWaitsForAStopThatHasNotEndedTheTaskYet() {
        TaskController c = controller();
        TaskStatus running = stepTo(c, TaskState.RUNNING);
        runtime.exitLateOnStop("t1");
        Task unwanted = desired(task, TaskState.SHUTDOWN);
        Step.Waiting w = assertInstanceOf(Step.Waiting.class, c.step(unwanted, running));
        assertEquals(TaskState.RUNNING, w.status().getState());
        assertInstanceOf(Step.Waiting.class, c.step(unwanted, w.status()));
        assertEquals(1, runtime.calls("stop").size(), "one stop, however often it is stepped");

        runtime.exit("t1", 137);
        TaskStatus done = c.step(unwanted, w.status()).status();
        assertEquals(TaskState.SHUTDOWN, done.getState());
        assertEquals(137, done.getContainerStatus().getExitCode());
    }

    @Test
    void aTaskThatExitedOnItsOwnReportsItsExitEvenWhenAShutdownFollows() {
        TaskController c = controller();
        TaskStatus running = stepTo(c, TaskState.RUNNING);
        runtime.exit("t1", 2);
        TaskStatus done = c.step(desired(task, TaskState.SHUTDOWN), running).status();
        assertEquals(TaskState.FAILED, done.getState());
        assertTrue(runtime.calls("stop").isEmpty(), "nothing left to stop");
    }

    @ParameterizedTest
    @EnumSource(value = TaskState.class, names = {"COMPLETE", "SHUTDOWN", "FAILED", "REJECTED"})
    void aFinalStatusNeverMoves(TaskState state) {
        Step step = controller().step(desired(task, TaskState.SHUTDOWN), at(state));
        assertInstanceOf(Step.Noop.class, step);
        assertEquals(state, step.status().getState());
    }
}
