package io.orch.agent.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orch.agent.worker.SupervisedTask;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.runtime.ResourceUsage;
import io.orch.runtime.fake.FakeRuntime;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-task usage: a series per running task, labelled, with the runtime's numbers; gone once it stops. */
class TaskUsageMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeRuntime runtime = new FakeRuntime();
    private final List<SupervisedTask> tasks = new CopyOnWriteArrayList<>();

    @Test
    void aRunningTaskHasItsSeriesUntilItIsNoLongerRunning() throws Exception {
        try (TaskUsageMeters meters = new TaskUsageMeters(registry)) {
            runtime.start(MetricsBindingsTest.config("t1"));
            runtime.setUsage("t1", new ResourceUsage(1_500_000_000L, 32L << 20, 2));
            Task task = Task.newBuilder().setId("t1").setServiceId("s1").build();
            tasks.add(new SupervisedTask(task, "web", TaskState.RUNNING, runtime));
            tasks.add(new SupervisedTask(Task.newBuilder().setId("t2").build(), "web", TaskState.PREPARING, runtime));
            meters.follow(() -> tasks, "node-1");
            meters.sample();

            var memory = registry.find("orch.task.memory").tags("service", "web", "task", "t1", "node", "node-1").gauge();
            assertEquals(32L << 20, memory.value());
            var cpu = registry.find("orch.task.cpu").tags("service", "web", "task", "t1", "node", "node-1").functionCounter();
            assertEquals(1.5, cpu.count(), 1e-9);
            assertNull(registry.find("orch.task.memory").tag("task", "t2").gauge(), "a task not running is not sampled");

            runtime.setUsage("t1", new ResourceUsage(2_000_000_000L, 40L << 20, 2));
            meters.sample();
            assertEquals(2.0, cpu.count(), 1e-9);
            assertEquals(40L << 20, memory.value());

            tasks.set(0, new SupervisedTask(task, "web", TaskState.COMPLETE, runtime));
            meters.sample();
            assertNull(registry.find("orch.task.memory").tag("task", "t1").gauge(), "an ended task drops its series");
            assertNull(registry.find("orch.task.cpu").tag("task", "t1").functionCounter());
        }
    }

    @Test
    void aTaskWhoseRuntimeCannotTellHasNoSeries() throws Exception {
        try (TaskUsageMeters meters = new TaskUsageMeters(registry)) {
            // running as far as the worker knows, but the runtime has no such task: UNKNOWN usage
            tasks.add(new SupervisedTask(Task.newBuilder().setId("ghost").build(), "web", TaskState.RUNNING, runtime));
            meters.follow(() -> tasks, "node-1");
            meters.sample();
            assertTrue(registry.find("orch.task.memory").meters().isEmpty());
        }
    }

    @Test
    void aPassThatCostsMoreThanTheBudgetAllowsDelaysTheNextOne() {
        assertEquals(TaskUsageMeters.PERIOD, TaskUsageMeters.nextDelay(0), "a cheap pass: the usual period");
        assertEquals(TaskUsageMeters.PERIOD, TaskUsageMeters.nextDelay(-1), "a clock that went backwards is no cost");
        long costly = java.time.Duration.ofMillis(100).toNanos();
        assertEquals(java.time.Duration.ofNanos((long) (costly / TaskUsageMeters.CPU_BUDGET)), TaskUsageMeters.nextDelay(costly),
                "100 ms of CPU waits until it is the budget's share of the time");
        assertEquals(TaskUsageMeters.LONGEST_PERIOD, TaskUsageMeters.nextDelay(java.time.Duration.ofSeconds(10).toNanos()),
                "never staler than the longest period");
    }
}
