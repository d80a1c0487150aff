package io.orch.runtime;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What every driver keeps about one task it supervises, whatever runs it: its id, its main pid,
 * when it started and how it ended. A driver's record (process, runc, docker) adds only its own
 * fields and the state it persists in the handle; {@link TaskTable} holds them.
 */
public abstract class TaskRecord {
    public final String taskId;
    public final long pid;
    public final long startMillis;
    /** Completed exactly once, when the task has ended. */
    public final CompletableFuture<ExitResult> exit = new CompletableFuture<>();

    protected TaskRecord(String taskId, long pid, long startMillis) {
        this.taskId = taskId;
        this.pid = pid;
        this.startMillis = startMillis;
    }

    public final boolean running() {
        return !exit.isDone();
    }

    /** What the agent persists to re-attach the task later. */
    public abstract TaskHandle handle();

    /** This task's handle with the driver's name, its container id ("" for none) and its state. */
    protected final TaskHandle handle(String runtime, String containerId, Map<String, String> state) {
        return new TaskHandle(taskId, runtime, pid, startMillis, containerId, state);
    }
}
