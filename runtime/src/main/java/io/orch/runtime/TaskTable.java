package io.orch.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tasks one runtime supervises, by task id, and the SPI answers that only need the table
 * (model: Nomad's drivers/shared task store): look-up, {@code waitFor}, {@code inspect}, a
 * bounded wait for an exit. Each driver composes one instead of keeping its own map and copies
 * of these methods. Thread-safe.
 *
 * @param <T> the driver's record of one task
 */
public final class TaskTable<T extends TaskRecord> {

    private final ConcurrentHashMap<String, T> tasks = new ConcurrentHashMap<>();

    /** The task's record, or null (as a map answers: most callers go on to test it anyway). */
    public T get(String taskId) {
        return tasks.get(taskId);
    }

    public Optional<T> lookup(String taskId) {
        return Optional.ofNullable(tasks.get(taskId));
    }

    public boolean contains(String taskId) {
        return tasks.containsKey(taskId);
    }

    public void put(String taskId, T task) {
        tasks.put(taskId, task);
    }

    /** Forgets the task if it is still this record (a newer start of the same id stays). */
    public void remove(String taskId, T task) {
        tasks.remove(taskId, task);
    }

    public Collection<T> all() {
        return List.copyOf(tasks.values());
    }

    /** {@link ContainerRuntime#waitFor}: a copy, so callers cannot complete or cancel the task's own future. */
    public CompletableFuture<ExitResult> waitFor(String taskId) {
        T task = tasks.get(taskId);
        if (task == null) {
            return CompletableFuture.failedFuture(new NoSuchElementException("unknown task " + taskId));
        }
        return task.exit.copy();
    }

    /** {@link ContainerRuntime#inspect}. */
    public Optional<TaskHandle> inspect(String taskId) {
        return lookup(taskId).map(TaskRecord::handle);
    }

    /** The task, or NoSuchElementException (the SPI's answer for logs of an unknown task). */
    public T known(String taskId) {
        T task = tasks.get(taskId);
        if (task == null) {
            throw new NoSuchElementException("unknown task " + taskId);
        }
        return task;
    }

    /** The task if it runs, or the RuntimeFailure saying why not (exec, signal). */
    public T running(String taskId) throws RuntimeFailure {
        T task = tasks.get(taskId);
        if (task == null) {
            throw new RuntimeFailure("unknown task " + taskId, false);
        }
        if (!task.running()) {
            throw new RuntimeFailure("task " + taskId + " is not running", false);
        }
        return task;
    }

    /** The task if it runs, else empty (stats, process ids). */
    public Optional<T> ifRunning(String taskId) {
        return lookup(taskId).filter(TaskRecord::running);
    }

    /** Waits up to {@code timeout} for the task to end; true when it has (or the wait was cut short by its failure). */
    public static boolean awaitExit(TaskRecord task, Duration timeout) {
        try {
            task.exit.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }
}
