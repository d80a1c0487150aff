package io.orch.runtime.health;

import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.ExecResult;
import io.orch.runtime.RuntimeFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes one task every interval by running its health command inside it
 * ({@link ContainerRuntime#exec}), and tells the listener each time the status changes (with the
 * last probe's output, for the task's error message).
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
    private final ContainerRuntime runtime;
    private final String taskId;
    private final HealthSpec spec;
    private final List<String> command;
    private final ScheduledExecutorService scheduler;
    private final BiConsumer<HealthStatus, String> listener;
    // not thread-safe: confined to the probe chain (one probe at a time, each scheduled by the one
    // before); the status leaves it only through the listener
    private final HealthTracker tracker;
    private final long startedNanos = System.nanoTime();
    private volatile boolean closed; // set under this by close(); volatile: probe() looks first without the lock
    private ScheduledFuture<?> next; // guarded by this

    public HealthMonitor(ContainerRuntime runtime, String taskId, HealthSpec spec, ScheduledExecutorService scheduler,
                         BiConsumer<HealthStatus, String> listener) {
        this.runtime = runtime;
        this.taskId = taskId;
        this.spec = spec;
        this.command = spec.command().orElseThrow(() -> new IllegalArgumentException("health check has no command: " + spec.test()));
        this.scheduler = scheduler;
        this.listener = listener;
        this.tracker = new HealthTracker(spec);
    }

    /** Schedules the first probe one interval from now (as Docker does). */
    public synchronized HealthMonitor start() {
        next = scheduler.schedule(this::probe, spec.interval().toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void probe() {
        if (closed) {
            return;
        }
        boolean passed;
        String output;
        try {
            ExecResult r = runtime.exec(taskId, command, spec.timeout());
            passed = r.exitCode() == 0 && !r.timedOut();
            output = r.timedOut() ? "health check timed out after " + spec.timeout()
                    : "health check exited " + r.exitCode() + (r.output().isBlank() ? "" : ": " + r.output().strip());
        } catch (RuntimeFailure e) {
            passed = false;
            output = "health check could not run: " + e.getMessage();
        }
        HealthStatus before = tracker.status();
        HealthStatus after = tracker.record(passed, Duration.ofNanos(System.nanoTime() - startedNanos));
        if (after != before) {
            log.info("task {} is now {} ({})", taskId, after.name().toLowerCase(), output);
            listener.accept(after, output);
        }
        synchronized (this) {
            if (!closed) {
                next = scheduler.schedule(this::probe, spec.interval().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
    }
}
