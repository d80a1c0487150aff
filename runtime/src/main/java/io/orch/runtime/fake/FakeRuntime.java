package io.orch.runtime.fake;

import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.ExecResult;
import io.orch.runtime.ExitResult;
import io.orch.runtime.Fingerprint;
import io.orch.runtime.LogFiles;
import io.orch.runtime.ResourceUsage;
import io.orch.runtime.RuntimeCapabilities;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.Signal;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * An in-memory {@link ContainerRuntime} for tests of the layers above (the agent's executor):
 * tasks "run" until the test calls {@link #exit}; starts can be made to fail, temporarily or
 * permanently; every call is recorded. Thread-safe. Exit futures are completed outside the lock,
 * so callbacks chained on {@link #waitFor} may call back into the fake.
 *
 * <p>{@link #stop} behaves like a process that obeys the signal: it exits with 128+signal
 * (143 for SIGTERM) at once; a task marked {@link #ignoreStopSignal stubborn} is "killed" after
 * the grace instead (137). Nothing sleeps.
 */
public final class FakeRuntime implements ContainerRuntime {

    /** One recorded call: the operation ("start", "stop", ...), the task id and a detail. */
    public record Call(String op, String taskId, String detail) {}

    private final String name;
    private final Clock clock;
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, FakeTask> tasks = new HashMap<>();
    private final Deque<RuntimeFailure> nextStartFailures = new ArrayDeque<>();
    private final Set<String> stubborn = new HashSet<>();
    private final Set<String> unreaped = new HashSet<>();
    private final Map<Long, TaskHandle> survivors = new HashMap<>();
    private RuntimeFailure everyStartFailure;
    private Fingerprint fingerprint = Fingerprint.available(Map.of("fake", "true"));
    private RuntimeException fingerprintFailure;
    private Consumer<String> stopObeyedLater; // null: a stop ends the task at once
    private RuntimeCapabilities capabilities = new RuntimeCapabilities(false, false, true, true);
    private BiFunction<String, List<String>, ExecResult> execResponder = (id, cmd) -> new ExecResult(0, "", false);
    private long nextPid = 10_000;
    private boolean closed;

    private static final class FakeTask {
        final TaskConfig config;
        final TaskHandle handle;
        final CompletableFuture<ExitResult> exit = new CompletableFuture<>();
        ResourceUsage usage = new ResourceUsage(0, 0, 1);

        FakeTask(TaskConfig config, TaskHandle handle) {
            this.config = config;
            this.handle = handle;
        }
    }

    public FakeRuntime() {
        this("fake", Clock.systemUTC());
    }

    /** A fake standing in for a named runtime ("runc", "process"), e.g. in registry tests. */
    public FakeRuntime(String name, Clock clock) {
        this.name = name;
        this.clock = clock;
    }

    // ---- test controls ----------------------------------------------------------------------

    /** Ends a running task with {@code exitCode}; returns false if it was not running. */
    public boolean exit(String taskId, int exitCode) {
        FakeTask task;
        synchronized (this) {
            task = tasks.get(taskId);
        }
        int signal = exitCode > 128 && exitCode < 128 + 65 ? exitCode - 128 : 0;
        return task != null && task.exit.complete(new ExitResult(exitCode, signal, false, "fake exit " + exitCode));
    }

    /** The next start fails with this failure (queued, one per call). */
    public synchronized void failNextStart(boolean temporary, String message) {
        nextStartFailures.add(new RuntimeFailure(message, temporary));
    }

    /** Every start fails until {@link #succeedStarts()}. */
    public synchronized void failEveryStart(boolean temporary, String message) {
        everyStartFailure = new RuntimeFailure(message, temporary);
    }

    public synchronized void succeedStarts() {
        everyStartFailure = null;
        nextStartFailures.clear();
    }

    /**
     * A stop of the task returns with the task still running, as when the runtime has not reaped
     * it yet: it exits only when the test calls {@link #exit}.
     */
    public synchronized void exitLateOnStop(String taskId) {
        unreaped.add(taskId);
    }

    /**
     * Stops take their time, as real processes do: a stop of a running task no longer ends it but
     * hands its id to {@code exitsLater}, which ends it when it likes through {@link #exit} (the
     * manager simulation does so after a random time on its virtual clock).
     */
    public synchronized void exitOnStopVia(Consumer<String> exitsLater) {
        stopObeyedLater = exitsLater;
    }

    /** The task ignores the stop signal; stop "kills" it after the grace (exit 137). */
    public synchronized void ignoreStopSignal(String taskId) {
        stubborn.add(taskId);
    }

    public synchronized void setFingerprint(Fingerprint fingerprint) {
        this.fingerprint = fingerprint;
        this.fingerprintFailure = null;
    }

    /** fingerprint() throws this (a probe that crashes) until {@link #setFingerprint} is called. */
    public synchronized void failFingerprint(RuntimeException failure) {
        this.fingerprintFailure = failure;
    }

    public synchronized void setCapabilities(RuntimeCapabilities capabilities) {
        this.capabilities = capabilities;
    }

    public synchronized void setExecResponder(BiFunction<String, List<String>, ExecResult> responder) {
        this.execResponder = responder;
    }

    public synchronized void setUsage(String taskId, ResourceUsage usage) {
        task(taskId).usage = usage;
    }

    /**
     * Declares a process that "survived" an agent restart: {@link #recover} accepts this handle
     * (same pid and start time) and the task then runs until {@link #exit}.
     */
    public synchronized void addSurvivor(TaskHandle handle) {
        survivors.put(handle.pid(), handle);
    }

    // ---- inspection -------------------------------------------------------------------------

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<Call> calls(String op) {
        return calls.stream().filter(c -> c.op().equals(op)).toList();
    }

    public synchronized int startCount(String taskId) {
        return (int) calls.stream().filter(c -> c.op().equals("start") && c.taskId().equals(taskId)).count();
    }

    public synchronized boolean isRunning(String taskId) {
        FakeTask t = tasks.get(taskId);
        return t != null && !t.exit.isDone();
    }

    public synchronized Set<String> runningTaskIds() {
        Set<String> ids = new HashSet<>();
        tasks.forEach((id, t) -> {
            if (!t.exit.isDone()) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** The config the task was last started with. */
    public synchronized TaskConfig config(String taskId) {
        return task(taskId).config;
    }

    public synchronized boolean closed() {
        return closed;
    }

    // ---- ContainerRuntime -------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized RuntimeCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public synchronized Fingerprint fingerprint() {
        record("fingerprint", "", "");
        if (fingerprintFailure != null) {
            throw fingerprintFailure;
        }
        return fingerprint;
    }

    @Override
    public synchronized TaskHandle start(TaskConfig config) throws RuntimeFailure {
        record("start", config.taskId(), String.join(" ", config.argv()));
        if (!nextStartFailures.isEmpty()) {
            throw nextStartFailures.poll();
        }
        if (everyStartFailure != null) {
            throw new RuntimeFailure(everyStartFailure.getMessage(), everyStartFailure.temporary());
        }
        if (isRunning(config.taskId())) {
            throw new RuntimeFailure("task " + config.taskId() + " is already running", false);
        }
        TaskHandle handle = new TaskHandle(config.taskId(), name, nextPid++, clock.millis(), "fake-" + config.taskId(),
                Map.of());
        tasks.put(config.taskId(), new FakeTask(config, handle));
        return handle;
    }

    @Override
    public synchronized CompletableFuture<ExitResult> waitFor(String taskId) {
        record("waitFor", taskId, "");
        FakeTask t = tasks.get(taskId);
        return t == null ? CompletableFuture.failedFuture(new NoSuchElementException("unknown task " + taskId))
                : t.exit.copy();
    }

    @Override
    public void stop(String taskId, Duration grace, Signal signal) {
        FakeTask t;
        int code;
        Consumer<String> later;
        synchronized (this) {
            record("stop", taskId, (signal == null ? Signal.TERM : signal) + " " + grace);
            t = tasks.get(taskId);
            code = stubborn.contains(taskId) ? 137 : 128 + (signal == null ? Signal.TERM : signal).number();
            if (unreaped.contains(taskId)) {
                return;
            }
            later = t == null || t.exit.isDone() ? null : stopObeyedLater;
        }
        if (later != null) {
            later.accept(taskId);
        } else if (t != null) {
            t.exit.complete(new ExitResult(code, code - 128, false, "fake stop"));
        }
    }

    @Override
    public void destroy(String taskId) {
        FakeTask t;
        synchronized (this) {
            record("destroy", taskId, "");
            t = tasks.remove(taskId);
        }
        if (t != null) {
            t.exit.complete(new ExitResult(137, 9, false, "fake destroy"));
        }
    }

    @Override
    public synchronized Optional<TaskHandle> inspect(String taskId) {
        return Optional.ofNullable(tasks.get(taskId)).map(t -> t.handle);
    }

    @Override
    public synchronized ResourceUsage stats(String taskId) {
        FakeTask t = tasks.get(taskId);
        return t == null || t.exit.isDone() ? ResourceUsage.UNKNOWN : t.usage;
    }

    @Override
    public synchronized LogFiles logs(String taskId) {
        TaskConfig config = task(taskId).config; // null for a recovered task
        Path dir = config == null ? null : config.taskDir();
        Path base = dir == null ? Path.of("/nonexistent", taskId) : dir;
        return new LogFiles(base.resolve("stdout.log"), base.resolve("stderr.log"));
    }

    @Override
    public ExecResult exec(String taskId, List<String> command, Duration timeout) throws RuntimeFailure {
        BiFunction<String, List<String>, ExecResult> responder;
        synchronized (this) {
            record("exec", taskId, String.join(" ", command));
            if (!isRunning(taskId)) {
                throw new RuntimeFailure("task " + taskId + " is not running", false);
            }
            responder = execResponder;
        }
        return responder.apply(taskId, command);
    }

    @Override
    public synchronized boolean recover(TaskHandle handle) {
        record("recover", handle.taskId(), Long.toString(handle.pid()));
        if (isRunning(handle.taskId())) {
            return tasks.get(handle.taskId()).handle.pid() == handle.pid();
        }
        TaskHandle survivor = survivors.get(handle.pid());
        if (survivor == null || survivor.startTimeMillis() != handle.startTimeMillis()) {
            return false;
        }
        tasks.put(handle.taskId(), new FakeTask(null, handle));
        return true;
    }

    @Override
    public synchronized void close() {
        record("close", "", "");
        closed = true;
    }

    private void record(String op, String taskId, String detail) {
        calls.add(new Call(op, taskId, detail));
    }

    private FakeTask task(String taskId) {
        FakeTask t = tasks.get(taskId);
        if (t == null) {
            throw new NoSuchElementException("unknown task " + taskId);
        }
        return t;
    }
}
