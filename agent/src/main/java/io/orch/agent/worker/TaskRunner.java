package io.orch.agent.worker;

import io.orch.api.proto.ContainerStatus;
import io.orch.runtime.ContainerIds;
import io.orch.api.proto.PortConfig;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.net.NetworkState;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.ExitResult;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.health.HealthMonitor;
import io.orch.runtime.health.HealthStatus;
import io.orch.scheduler.orchestrator.Times;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Drives one task on this node through its state machine (swarmkit's controller):
 * ASSIGNED -> ACCEPTED -> PREPARING -> READY -> STARTING -> RUNNING -> COMPLETE | FAILED, or
 * SHUTDOWN when the manager asks it to stop. Errors before the task runs reject it; after, fail it.
 * Runtime calls block, so every step runs on the worker's executor, never on the store's threads.
 */
final class TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    interface Listener {
        void started(TaskHandle handle);

        void finished(String taskId);

        /**
         * The task's process has exited and its container is destroyed (so the same task id may
         * be started again); {@code last} is the final status reported.
         */
        default void gone(String taskId, TaskStatus last) {
        }

        /**
         * Gets what the task needs on this node before it starts (its image, pulled from a
         * registry); called during PREPARING with a callback for progress messages.
         *
         * @throws Exception why the task cannot run here (it is then REJECTED with that message)
         */
        default void prepare(TaskConfig config, Consumer<String> progress) throws Exception {
        }
    }

    private final String taskId;
    private final ContainerRuntime runtime;
    private final Executor executor;
    private final Clock clock;
    private final Consumer<TaskStatus> reporter;
    private final Listener listener;
    private volatile Task task;
    private boolean started;
    private boolean stopRequested;
    private boolean done;
    private HealthMonitor health;
    private String unhealthy; // why the health check failed the task, once it has
    private TaskStatus last; // the final status, once done

    TaskRunner(Task task, ContainerRuntime runtime, Executor executor, Clock clock, Consumer<TaskStatus> reporter,
               Listener listener) {
        this.taskId = task.getId();
        this.task = task;
        this.runtime = runtime;
        this.executor = executor;
        this.clock = clock;
        this.reporter = reporter;
        this.listener = listener;
    }

    /** Starts the task in the background. */
    void start(TaskConfig config) {
        executor.execute(() -> run(config));
    }

    /** Supervises a task re-attached after an agent restart. */
    void reattached(TaskHandle handle) {
        synchronized (this) {
            started = true;
        }
        running = handle;
        runtime.waitFor(taskId).whenComplete((r, e) -> exited(r, e));
        watchHealth();
    }

    /** A newer version of the task from the store: stops it when no longer wanted. */
    void update(Task newer) {
        this.task = newer;
        if (newer.getDesiredState().getNumber() > TaskState.RUNNING.getNumber()) {
            stop();
        }
    }

    /** Stops the task (graceful, then forced), whether or not it has started yet. */
    void stop() {
        boolean runNow;
        synchronized (this) {
            if (stopRequested || done) {
                return;
            }
            stopRequested = true;
            runNow = started;
        }
        if (runNow) {
            Task t = task;
            executor.execute(() -> runtime.stop(taskId, TaskConfigs.stopGrace(t), TaskConfigs.stopSignal(t)));
        }
    }

    private void run(TaskConfig config) {
        report(TaskState.ACCEPTED, "accepted", "", null);
        report(TaskState.PREPARING, "preparing", "", null);
        try {
            listener.prepare(config, progress -> report(TaskState.PREPARING, progress, "", null));
        } catch (Exception e) {
            log.info("task {} rejected while preparing: {}", taskId, e.getMessage());
            finish(TaskState.REJECTED, "rejected", e.getMessage(), null);
            return;
        }
        report(TaskState.READY, "prepared", "", null);
        synchronized (this) {
            if (stopRequested) {
                finish(TaskState.SHUTDOWN, "shutdown before start", "", null);
                return;
            }
        }
        report(TaskState.STARTING, "starting", "", null);
        TaskHandle handle;
        try {
            handle = runtime.start(config);
        } catch (RuntimeFailure e) {
            log.info("task {} rejected: {}", taskId, e.getMessage());
            finish(TaskState.REJECTED, "rejected", e.getMessage(), null);
            return;
        } catch (RuntimeException e) {
            log.warn("task {} could not start", taskId, e);
            finish(TaskState.REJECTED, "rejected", "start failed: " + e.getMessage(), null);
            return;
        }
        boolean stopNow;
        synchronized (this) {
            started = true;
            stopNow = stopRequested;
        }
        listener.started(handle);
        running = handle;
        reporter.accept(status(TaskState.RUNNING, "started", "").build());
        runtime.waitFor(taskId).whenComplete(this::exited);
        watchHealth();
        if (stopNow) {
            Task t = task;
            runtime.stop(taskId, TaskConfigs.stopGrace(t), TaskConfigs.stopSignal(t));
        }
    }

    /**
     * Runs the task's health check, if it has one: RUNNING is reported again with each change
     * of health (starting, healthy, unhealthy); an unhealthy task is stopped and fails, so the
     * orchestrator replaces it, as swarm does.
     */
    private void watchHealth() {
        var spec = TaskHealthWatch.effective(task, runtime);
        if (spec.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (done || health != null) {
                return;
            }
            health = TaskHealthWatch.start(runtime, taskId, spec.get(), this::healthChanged);
        }
        reporter.accept(status(TaskState.RUNNING, "started", "").setHealth(TaskStatus.Health.STARTING).build());
    }

    private void healthChanged(HealthStatus now, String detail) {
        synchronized (this) {
            if (done || stopRequested || unhealthy != null) {
                return;
            }
            if (now == HealthStatus.UNHEALTHY) {
                unhealthy = detail;
            }
        }
        reporter.accept(status(TaskState.RUNNING, "started", now == HealthStatus.UNHEALTHY ? detail : "")
                .setHealth(TaskHealthWatch.toProto(now)).build());
        if (now == HealthStatus.UNHEALTHY) {
            Task t = task;
            executor.execute(() -> runtime.stop(taskId, TaskConfigs.stopGrace(t), TaskConfigs.stopSignal(t)));
        }
    }

    private void exited(ExitResult result, Throwable error) {
        boolean requested;
        String unhealthyReason;
        synchronized (this) {
            requested = stopRequested;
            unhealthyReason = unhealthy;
            if (health != null) {
                health.close();
            }
        }
        if (error != null) {
            finish(TaskState.FAILED, "failed", "task supervision failed: " + error.getMessage(), null);
        } else if (requested) {
            finish(TaskState.SHUTDOWN, "shutdown", "", result.exitCode());
        } else if (unhealthyReason != null) {
            finish(TaskState.FAILED, "failed", "task: unhealthy container (" + unhealthyReason + ")", result.exitCode());
        } else if (result.successful()) {
            finish(TaskState.COMPLETE, "finished", "", 0);
        } else if (result.oomKilled()) {
            finish(TaskState.FAILED, "failed", "task: OOM killed (exit " + result.exitCode() + ")", result.exitCode());
        } else if (result.exitCode() < 0) {
            finish(TaskState.FAILED, "failed", "task exited; exit code unknown: " + result.message(), null);
        } else {
            finish(TaskState.FAILED, "failed", "task: non-zero exit (" + result.exitCode() + ")", result.exitCode());
        }
        executor.execute(() -> {
            runtime.destroy(taskId);
            listener.gone(taskId, lastStatus());
        });
    }

    private void finish(TaskState state, String message, String err, Integer exitCode) {
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
        }
        TaskStatus s = report(state, message, err, exitCode);
        synchronized (this) {
            last = s;
        }
        listener.finished(taskId);
    }

    private TaskStatus report(TaskState state, String message, String err, Integer exitCode) {
        TaskStatus.Builder s = status(state, message, err);
        if (exitCode != null) {
            ContainerStatus.Builder c = ContainerStatus.newBuilder().setExitCode(exitCode);
            TaskHandle h = running;
            if (h != null) {
                c.setContainerId(ContainerIds.of(taskId, h.containerId())); // kept after the exit, as Docker does
            }
            s.setContainerStatus(c);
        }
        TaskStatus built = s.build();
        reporter.accept(built);
        return built;
    }

    private synchronized TaskStatus lastStatus() {
        return last;
    }

    /** A RUNNING status carries what the task runs as: container, pid, addresses, published ports. */
    private TaskStatus.Builder status(TaskState state, String message, String err) {
        TaskStatus.Builder b = TaskStatus.newBuilder().setState(state).setMessage(message).setErr(err)
                .setTimestamp(Times.timestamp(clock.instant()));
        TaskHandle h = running;
        if (state == TaskState.RUNNING && h != null) {
            b.setContainerStatus(ContainerStatus.newBuilder().setContainerId(ContainerIds.of(taskId, h.containerId())).setPid(h.pid()));
            NetworkState.address(h).ifPresent(b::addNetworkAddresses);
            for (TaskConfig.PublishedPort p : NetworkState.publishedPorts(h)) {
                b.addPortStatus(PortConfig.newBuilder()
                        .setProtocol(p.protocol() == TaskConfig.PublishedPort.Protocol.UDP ? PortConfig.Protocol.UDP : PortConfig.Protocol.TCP)
                        .setTargetPort(p.target())
                        .setPublishedPort(p.published())
                        .setPublishMode(PortConfig.PublishMode.HOST));
            }
        }
        return b;
    }

    ContainerRuntime runtime() {
        return runtime;
    }

    /** The running container, once started or re-attached. */
    private volatile TaskHandle running;

    synchronized boolean isDone() {
        return done;
    }

}
