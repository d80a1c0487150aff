package io.orch.agent.worker;

import io.orch.api.model.TaskStates;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.ContainerRuntime;
import io.orch.runtime.TaskHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Drives one task's {@link TaskController} on the worker's {@link TaskExecution} (swarmkit's taskManager):
 * steps it until it has nothing to do, reports every status it moves to, and steps again when
 * something can change that: a newer task from the store, the task's exit, the end of a retry
 * delay. One drive runs at a time per task; a wake-up during a drive makes it step once more.
 */
final class TaskSupervisor {
    private static final Logger log = LoggerFactory.getLogger(TaskSupervisor.class);

    /** What the worker does around the task's life on this node. */
    interface Listener {
        /** The task's container runs: its handle is worth persisting. */
        void started(TaskHandle handle);

        /** The task reached its final status (reported). */
        void finished(String taskId);

        /**
         * The task's container is destroyed after it ran (so the same task id may be started
         * again); {@code last} is the final status reported.
         */
        void gone(String taskId, TaskStatus last);
    }

    private final String taskId;
    private final TaskController controller;
    private final TaskExecution execution;
    private final Consumer<TaskStatus> reporter;
    private final Listener listener;

    // guarded by this
    private Task task;
    private TaskStatus status;
    private boolean shutdownRequested;
    private boolean driving;
    private boolean wokenWhileDriving;
    private boolean finished;
    private boolean released; // finished, and its container destroyed (addresses and mounts given back)
    private CompletableFuture<?> waitingOn; // the exit a wake-up is registered on

    /**
     * A task to take from {@code initial} (its current, unstarted status) to its desired state;
     * {@code controllerFor} builds its controller around the reporter of the controller's extra
     * statuses (progress, health), which go out only while the task is still in that state.
     */
    TaskSupervisor(Task task, TaskStatus initial, Function<Consumer<TaskStatus>, TaskController> controllerFor,
                   TaskExecution execution, Consumer<TaskStatus> reporter, Listener listener) {
        this.taskId = task.getId();
        this.task = task;
        this.status = initial;
        this.execution = execution;
        this.reporter = reporter;
        this.listener = listener;
        this.controller = controllerFor.apply(this::reportExtra);
    }

    private synchronized void reportExtra(TaskStatus s) {
        if (!finished && status.getState() == s.getState()) {
            reporter.accept(s);
        }
    }

    /** Starts driving the task. */
    void start() {
        wake();
    }

    /** Supervises a task re-attached after an agent restart (its runtime recovered it). */
    void reattached(TaskHandle handle) {
        TaskStatus running = controller.reattached(currentTask(), handle);
        synchronized (this) {
            status = running;
        }
        wake();
    }

    /** A newer version of the task from the store. */
    void update(Task newer) {
        boolean stopWanted = TaskStates.after(newer.getDesiredState(), TaskState.RUNNING);
        synchronized (this) {
            task = newer;
        }
        if (stopWanted) {
            wake();
        }
    }

    /** Stops the task (graceful, then forced), whether or not it has started yet. */
    void stop() {
        synchronized (this) {
            if (shutdownRequested || finished) {
                return;
            }
            shutdownRequested = true;
        }
        wake();
    }

    ContainerRuntime runtime() {
        return controller.runtime();
    }

    /** The task as last given, and the state of the status last reported (metrics read them). */
    synchronized SupervisedTask snapshot(java.util.function.Function<Task, String> serviceName) {
        return new SupervisedTask(task, serviceName.apply(task), status.getState(), controller.runtime());
    }

    /** Its final status is reported and nothing of its container is left on the node. */
    synchronized boolean isDone() {
        return released;
    }

    private synchronized Task currentTask() {
        return shutdownRequested ? task.toBuilder().setDesiredState(TaskState.SHUTDOWN).build() : task;
    }

    private void wake() {
        synchronized (this) {
            if (driving) {
                wokenWhileDriving = true;
                return;
            }
            driving = true;
            wokenWhileDriving = false;
        }
        execution.execute(this::drive);
    }

    private void drive() {
        while (true) {
            Step step;
            TaskStatus before;
            try {
                Task t = currentTask();
                synchronized (this) {
                    before = status;
                    wokenWhileDriving = false;
                }
                step = controller.step(t, before);
            } catch (RuntimeException e) {
                log.error("task {}: controller step failed", taskId, e);
                synchronized (this) {
                    driving = false;
                }
                return;
            }
            TaskStatus now = step.status();
            if (now != before) {
                boolean startedNow = now.getState() == TaskState.RUNNING && before.getState() != TaskState.RUNNING;
                if (startedNow && controller.handle() != null) {
                    // kept before anyone hears it runs, so an agent restarted right after re-attaches it
                    listener.started(controller.handle());
                }
                synchronized (this) {
                    status = now;
                }
                reporter.accept(now);
                if (TaskStates.atLeast(now.getState(), TaskState.COMPLETE)) {
                    finish(now);
                    return;
                }
            }
            if (step instanceof Step.Advanced) {
                continue;
            }
            synchronized (this) {
                if (wokenWhileDriving) {
                    continue; // the task changed while this step ran: look again
                }
                driving = false;
            }
            if (step instanceof Step.Waiting w) {
                boolean register;
                synchronized (this) {
                    register = waitingOn != w.exit();
                    waitingOn = w.exit();
                }
                if (register) {
                    w.exit().whenComplete((r, e) -> wake());
                }
            } else if (step instanceof Step.Retry r) {
                log.info("task {}: temporary failure, retrying in {} ms: {}", taskId, r.delay().toMillis(), r.cause().getMessage());
                execution.executeAfter(r.delay(), this::wake);
            }
            return;
        }
    }

    private void finish(TaskStatus last) {
        synchronized (this) {
            finished = true;
            driving = false;
        }
        listener.finished(taskId);
        try {
            if (controller.handle() != null) {
                controller.runtime().destroy(taskId);
                listener.gone(taskId, last);
            }
        } finally {
            synchronized (this) {
                released = true; // only now may the worker forget it: the destroy has given back what it held
            }
        }
    }
}
