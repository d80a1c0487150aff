package io.orch.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What every driver that keeps its tasks in a {@link TaskTable} answers the same way: its name
 * and capabilities, {@code waitFor}, {@code inspect}, and the frame of {@code stop} (find the task,
 * settle the signal and grace, then the driver's own way of stopping). A driver extends this and
 * implements only what differs; the table itself stays a separate, composable part.
 *
 * @param <T> the driver's record of one task
 */
public abstract class TableBackedRuntime<T extends TaskRecord> implements ContainerRuntime {
    protected final TaskTable<T> tasks = new TaskTable<>();
    private final String name;
    private final RuntimeCapabilities capabilities;

    protected TableBackedRuntime(String name, RuntimeCapabilities capabilities) {
        this.name = name;
        this.capabilities = capabilities;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final RuntimeCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public final CompletableFuture<ExitResult> waitFor(String taskId) {
        return tasks.waitFor(taskId);
    }

    @Override
    public final Optional<TaskHandle> inspect(String taskId) {
        return tasks.inspect(taskId);
    }

    @Override
    public final LogFiles logs(String taskId) {
        return logFiles(tasks.known(taskId));
    }

    /** Where the task's stdout and stderr are written. */
    protected abstract LogFiles logFiles(T task);

    /** The task a command runs in: it must be running, and the command must name a program. */
    protected final T execTarget(String taskId, List<String> command) throws RuntimeFailure {
        T task = tasks.running(taskId);
        if (command.isEmpty()) {
            throw new RuntimeFailure("empty exec command", false);
        }
        return task;
    }

    @Override
    public final void stop(String taskId, Duration grace, Signal signal) {
        stoppable(taskId).ifPresent(task -> stop(task, StopRequest.of(grace, signal)));
    }

    /** The task a stop applies to: by default one that still runs (a finished one needs nothing). */
    protected Optional<T> stoppable(String taskId) {
        return tasks.ifRunning(taskId);
    }

    /**
     * Stops the task the driver's way: {@code request.first()}, up to {@code request.grace()},
     * then SIGKILL; returns once it has ended or after a last bounded wait.
     */
    protected abstract void stop(T task, StopRequest request);
}
