package io.orch.agent.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.ContainerStats;
import io.orch.runtime.ExecResult;
import io.orch.runtime.ExecSpec;
import io.orch.runtime.ExitResult;
import io.orch.runtime.Fingerprint;
import io.orch.runtime.InteractiveExec;
import io.orch.runtime.LogFiles;
import io.orch.runtime.ResourceUsage;
import io.orch.runtime.RuntimeCapabilities;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.Signal;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.health.HealthSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A runtime whose operations that change a task (start, stop, remove, signal, exec, recover)
 * are timed into {@code orch_runtime_operation_seconds{runtime, operation}}. Reads (inspect,
 * stats, logs) pass straight through: they are not what an operator waits on, and timing them
 * would only add per-call overhead to scrapes and {@code docker ps}.
 */
public final class TimedRuntime implements ContainerRuntime {
    static final String NAME = "orch.runtime.operation";

    /** The operations timed; the label values are their lower-case names. */
    enum Operation {
        START, STOP, REMOVE, SIGNAL, EXEC, RECOVER;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final ContainerRuntime runtime;
    private final Map<Operation, Timer> timers = new EnumMap<>(Operation.class);

    public TimedRuntime(ContainerRuntime runtime, MeterRegistry registry) {
        this.runtime = runtime;
        for (Operation op : Operation.values()) {
            timers.put(op, Timer.builder(NAME)
                    .description("time a container runtime took for an operation on a task (failed ones included)")
                    .tag("runtime", runtime.name())
                    .tag("operation", op.label())
                    .serviceLevelObjectives(Buckets.OPERATIONS)
                    .register(registry));
        }
    }

    /** The runtime this one times (for callers that need a driver's own methods). */
    public ContainerRuntime timed() {
        return runtime;
    }

    private <T> T time(Operation op, Supplier<T> call) {
        long started = System.nanoTime();
        try {
            return call.get();
        } finally {
            timers.get(op).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private interface FailingCall<T> {
        T call() throws RuntimeFailure;
    }

    private <T> T timeFailing(Operation op, FailingCall<T> call) throws RuntimeFailure {
        long started = System.nanoTime();
        try {
            return call.call();
        } finally {
            timers.get(op).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public String name() {
        return runtime.name();
    }

    @Override
    public RuntimeCapabilities capabilities() {
        return runtime.capabilities();
    }

    @Override
    public Fingerprint fingerprint() {
        return runtime.fingerprint();
    }

    @Override
    public TaskHandle start(TaskConfig config) throws RuntimeFailure {
        return timeFailing(Operation.START, () -> runtime.start(config));
    }

    @Override
    public CompletableFuture<ExitResult> waitFor(String taskId) {
        return runtime.waitFor(taskId);
    }

    @Override
    public void stop(String taskId, Duration grace, Signal signal) {
        time(Operation.STOP, () -> {
            runtime.stop(taskId, grace, signal);
            return null;
        });
    }

    @Override
    public void destroy(String taskId) {
        time(Operation.REMOVE, () -> {
            runtime.destroy(taskId);
            return null;
        });
    }

    @Override
    public Optional<TaskHandle> inspect(String taskId) {
        return runtime.inspect(taskId);
    }

    @Override
    public ResourceUsage stats(String taskId) {
        return runtime.stats(taskId);
    }

    @Override
    public LogFiles logs(String taskId) {
        return runtime.logs(taskId);
    }

    @Override
    public ExecResult exec(String taskId, List<String> command, Duration timeout) throws RuntimeFailure {
        return timeFailing(Operation.EXEC, () -> runtime.exec(taskId, command, timeout));
    }

    @Override
    public InteractiveExec startExec(String taskId, ExecSpec spec) throws RuntimeFailure {
        return runtime.startExec(taskId, spec);
    }

    @Override
    public boolean supportsInteractiveExec() {
        return runtime.supportsInteractiveExec();
    }

    @Override
    public String interactiveExecRefusal() {
        return runtime.interactiveExecRefusal();
    }

    @Override
    public void signal(String taskId, Signal signal) throws RuntimeFailure {
        timeFailing(Operation.SIGNAL, () -> {
            runtime.signal(taskId, signal);
            return null;
        });
    }

    @Override
    public List<Long> processIds(String taskId) {
        return runtime.processIds(taskId);
    }

    @Override
    public Optional<ContainerStats> containerStats(String taskId) {
        return runtime.containerStats(taskId);
    }

    @Override
    public boolean recover(TaskHandle handle) {
        return time(Operation.RECOVER, () -> runtime.recover(handle));
    }

    @Override
    public Optional<HealthSpec> imageHealthcheck(String image) {
        return runtime.imageHealthcheck(image);
    }

    @Override
    public List<String> sweepLeftovers(Set<String> knownTaskIds, Path tasksDir) {
        return runtime.sweepLeftovers(knownTaskIds, tasksDir);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
