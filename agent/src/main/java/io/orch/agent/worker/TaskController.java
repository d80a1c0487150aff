package io.orch.agent.worker;

import io.orch.api.model.TaskStates;
import io.orch.api.proto.ContainerStatus;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.ContainerIds;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.ExitResult;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.health.HealthMonitor;
import io.orch.runtime.health.HealthStatus;
import io.orch.runtime.net.NetworkState;
import io.orch.api.model.Times;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One task on this node as a state machine (swarmkit's {@code exec.Do}): each {@link #step}
 * looks at the task's desired state and the status it is given, does at most one thing with the
 * runtime and returns the next status, one state further:
 * ASSIGNED -> ACCEPTED -> PREPARING -> READY -> STARTING -> RUNNING -> COMPLETE | FAILED, or
 * SHUTDOWN once the desired state is past RUNNING.
 *
 * <p>Failures: one the runtime marks {@link RuntimeFailure#temporary() temporary} is retried in
 * place (a {@link Step.Retry} with a growing delay) up to {@link #MAX_TEMPORARY_RETRIES} times,
 * so a blip does not turn into a replacement task on another node; any other failure ends the
 * task, REJECTED while it never ran (up to and including STARTING) and FAILED once it ran.
 *
 * <p>The status is a value the caller holds and hands back; the controller keeps only what the
 * runtime knows (the handle, the exit, the health check) and the last status it returned, so a
 * caller stepping from an older status gets an {@link InvalidTransition}, not a silent no-op.
 * Steps block on the runtime: call them from one worker thread at a time, never the store's.
 */
final class TaskController {
    /** Temporary failures of one step in a row that are retried before the failure counts as permanent. */
    static final int MAX_TEMPORARY_RETRIES = 5;
    /** How the status of a task the OOM killer ended begins (its error; {@link TaskEventTap} counts it). */
    static final String OOM_KILLED = "task: OOM killed";

    /** Gets what the task needs on this node before it starts (its image); may report progress. */
    interface Preparer {
        void prepare(TaskConfig config, Consumer<String> progress) throws Exception;
    }

    private final String taskId;
    private final ContainerRuntime runtime;
    private final TaskConfig config; // null for a re-attached task: it never starts here
    private final Preparer preparer;
    private final Clock clock;
    private final RetryDelays delays;
    private final Executor executor;
    private final Consumer<TaskStatus> progress;

    // the stepping thread's only (its supervisor runs one step at a time)
    private TaskStatus last;
    private int temporaryFailures;
    private volatile TaskHandle handle;
    private volatile CompletableFuture<ExitResult> exit;
    // guarded by this: the stepping thread and the health monitor's thread both use them
    private boolean stopSent;
    private HealthMonitor health;
    private String unhealthy;
    private boolean exitSeen;

    /**
     * @param progress gets statuses that are no step: PREPARING progress messages and RUNNING
     *                 again with each change of health
     * @param executor runs the stop of a task its health check failed, off the monitor's thread
     */
    TaskController(String taskId, ContainerRuntime runtime, TaskConfig config, Preparer preparer, Clock clock,
                   RetryDelays delays, Executor executor, Consumer<TaskStatus> progress) {
        this.taskId = taskId;
        this.runtime = runtime;
        this.config = config;
        this.preparer = preparer;
        this.clock = clock;
        this.delays = delays;
        this.executor = executor;
        this.progress = progress;
    }

    /**
     * Takes over a task an earlier agent process started ({@code runtime.recover} succeeded):
     * returns the RUNNING status to step on from.
     */
    TaskStatus reattached(Task task, TaskHandle h) {
        handle = h;
        exit = runtime.waitFor(taskId);
        TaskStatus.Builder s = running("");
        watchHealth(task, s);
        last = s.build();
        return last;
    }

    ContainerRuntime runtime() {
        return runtime;
    }

    /** The running container, once started or re-attached. */
    TaskHandle handle() {
        return handle;
    }

    /** Advances {@code status} by at most one state towards what {@code task} desires. */
    Step step(Task task, TaskStatus status) {
        if (last != null && status.getState().getNumber() < last.getState().getNumber()) {
            throw new InvalidTransition(taskId, last.getState(), status.getState());
        }
        Step next = decide(task, status);
        if (next.status().getState().getNumber() < status.getState().getNumber()) {
            throw new InvalidTransition(taskId, status.getState(), next.status().getState());
        }
        last = next.status();
        return next;
    }

    private Step decide(Task task, TaskStatus status) {
        TaskState state = status.getState();
        if (TaskStates.atLeast(state, TaskState.COMPLETE)) {
            return new Step.Noop(status); // final: nothing moves it any more
        }
        if (TaskStates.after(task.getDesiredState(), TaskState.RUNNING)) {
            return shutdown(task, status);
        }
        if (state.getNumber() > task.getDesiredState().getNumber()) {
            return new Step.Noop(status); // not wanted further yet
        }
        return switch (state) {
            case NEW, ALLOCATED, PENDING, ASSIGNED -> advance(status(TaskState.ACCEPTED, "accepted", ""));
            case ACCEPTED -> advance(status(TaskState.PREPARING, "preparing", ""));
            case PREPARING -> prepare(status);
            case READY -> advance(status(TaskState.STARTING, "starting", ""));
            case STARTING -> start(task, status);
            case RUNNING -> awaitExit(status);
            default -> new Step.Noop(status);
        };
    }

    private Step prepare(TaskStatus status) {
        if (config == null) {
            return fatal(status, "nothing to prepare the task from");
        }
        try {
            preparer.prepare(config, message -> progress.accept(status(TaskState.PREPARING, message, "").build()));
        } catch (RuntimeFailure e) {
            return failed(status, e);
        } catch (Exception e) {
            return fatal(status, e.getMessage());
        }
        temporaryFailures = 0;
        return advance(status(TaskState.READY, "prepared", ""));
    }

    private Step start(Task task, TaskStatus status) {
        if (config == null) {
            return fatal(status, "nothing to start the task from");
        }
        if (temporaryFailures > 0 && runtime.inspect(taskId).isPresent()) {
            runtime.destroy(taskId); // what the failed attempt left, so the retry starts clean
        }
        TaskHandle h;
        try {
            h = runtime.start(config);
        } catch (RuntimeFailure e) {
            return failed(status, e);
        } catch (RuntimeException e) {
            return fatal(status, "start failed: " + e.getMessage());
        }
        temporaryFailures = 0;
        handle = h;
        exit = runtime.waitFor(taskId);
        TaskStatus.Builder s = running("");
        watchHealth(task, s);
        return advance(s);
    }

    private Step awaitExit(TaskStatus status) {
        CompletableFuture<ExitResult> e = exit;
        if (e == null) {
            return fatal(status, "task process lost (nothing supervises it)");
        }
        if (!e.isDone()) {
            return new Step.Waiting(status, e);
        }
        return new Step.Advanced(exitStatus(e, false));
    }

    private Step shutdown(Task task, TaskStatus status) {
        CompletableFuture<ExitResult> e = exit;
        if (e == null) {
            return advance(status(TaskState.SHUTDOWN, "shutdown", "")); // never started: nothing to stop
        }
        if (!e.isDone()) {
            boolean first;
            synchronized (this) {
                first = !stopSent;
                stopSent = true;
            }
            if (first) {
                runtime.stop(taskId, TaskConfigs.stopGrace(task), TaskConfigs.stopSignal(task));
            }
            if (!e.isDone()) {
                return new Step.Waiting(status, e);
            }
        }
        return new Step.Advanced(exitStatus(e, true));
    }

    /** The final status of an exited task; {@code requested}: its desired state is past RUNNING. */
    private TaskStatus exitStatus(CompletableFuture<ExitResult> e, boolean requested) {
        String unhealthyReason;
        boolean stopped;
        synchronized (this) {
            exitSeen = true;
            if (health != null) {
                health.close();
            }
            unhealthyReason = unhealthy;
            stopped = stopSent;
        }
        ExitResult result;
        try {
            result = e.join();
        } catch (CompletionException | java.util.concurrent.CancellationException ex) {
            Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            return status(TaskState.FAILED, "failed", "task supervision failed: " + cause.getMessage()).build();
        }
        if (requested && stopped) {
            return exited(TaskState.SHUTDOWN, "shutdown", "", result.exitCode());
        } else if (unhealthyReason != null) {
            return exited(TaskState.FAILED, "failed", "task: unhealthy container (" + unhealthyReason + ")", result.exitCode());
        } else if (result.successful()) {
            return exited(TaskState.COMPLETE, "finished", "", 0);
        } else if (result.oomKilled()) {
            return exited(TaskState.FAILED, "failed", OOM_KILLED + " (exit " + result.exitCode() + ")", result.exitCode());
        } else if (result.exitCode() < 0) {
            return status(TaskState.FAILED, "failed", "task exited; exit code unknown: " + result.message()).build();
        }
        return exited(TaskState.FAILED, "failed", "task: non-zero exit (" + result.exitCode() + ")", result.exitCode());
    }

    /** A runtime failure: retried in place when temporary (a bounded number of times), else final. */
    private Step failed(TaskStatus status, RuntimeFailure e) {
        if (e.temporary() && temporaryFailures < MAX_TEMPORARY_RETRIES) {
            temporaryFailures++;
            return new Step.Retry(status, e, delays.before(temporaryFailures));
        }
        String why = e.temporary() ? e.getMessage() + " (still failing after " + temporaryFailures + " retries)" : e.getMessage();
        return fatal(status, why);
    }

    /** The task cannot go on: REJECTED while it never ran, FAILED once it did. */
    private Step fatal(TaskStatus status, String why) {
        boolean ran = TaskStates.after(status.getState(), TaskState.STARTING);
        return advance(ran ? status(TaskState.FAILED, "failed", why) : status(TaskState.REJECTED, "rejected", why));
    }

    private static Step advance(TaskStatus.Builder next) {
        return new Step.Advanced(next.build());
    }

    /**
     * Runs the task's health check, if it has one: {@code running} then carries health STARTING,
     * and each later change of health is reported as RUNNING again; an unhealthy task is stopped
     * and fails, so the orchestrator replaces it, as swarm does.
     */
    private void watchHealth(Task task, TaskStatus.Builder running) {
        var spec = TaskHealthWatch.effective(task, runtime);
        if (spec.isEmpty()) {
            return;
        }
        synchronized (this) {
            health = TaskHealthWatch.start(runtime, taskId, spec.get(), (now, detail) -> healthChanged(task, now, detail));
        }
        running.setHealth(TaskStatus.Health.STARTING);
    }

    private void healthChanged(Task task, HealthStatus now, String detail) {
        synchronized (this) {
            if (exitSeen || stopSent || unhealthy != null) {
                return;
            }
            if (now == HealthStatus.UNHEALTHY) {
                unhealthy = detail;
            }
        }
        progress.accept(running(now == HealthStatus.UNHEALTHY ? detail : "").setHealth(TaskHealthWatch.toProto(now)).build());
        if (now == HealthStatus.UNHEALTHY) {
            executor.execute(() -> runtime.stop(taskId, TaskConfigs.stopGrace(task), TaskConfigs.stopSignal(task)));
        }
    }

    private TaskStatus exited(TaskState state, String message, String err, int exitCode) {
        ContainerStatus.Builder c = ContainerStatus.newBuilder().setExitCode(exitCode);
        TaskHandle h = handle;
        if (h != null) {
            c.setContainerId(ContainerIds.of(taskId, h.containerId())); // kept after the exit, as Docker does
        }
        return status(state, message, err).setContainerStatus(c).build();
    }

    /** RUNNING carries what the task runs as: container, pid, addresses, published ports. */
    private TaskStatus.Builder running(String err) {
        TaskStatus.Builder b = status(TaskState.RUNNING, "started", err);
        TaskHandle h = handle;
        if (h != null) {
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

    private TaskStatus.Builder status(TaskState state, String message, String err) {
        return TaskStatus.newBuilder().setState(state).setMessage(message).setErr(err)
                .setTimestamp(Times.timestamp(clock.instant()));
    }
}
