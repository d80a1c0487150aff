package io.orch.runtime.runc;

import io.orch.runtime.ExitResult;
import io.orch.runtime.TaskHandle;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** What the runtime keeps about one container: where it lives, who supervises it, how it ended. */
final class RuncTask {
    static final String STATE_BUNDLE = "bundle";
    static final String STATE_SHIM_PID = "shimPid";
    static final String STATE_SHIM_START = "shimStartTicks";
    static final String STATE_CGROUP = "cgroupsPath";
    static final String STATE_IMAGE = "image";

    final String taskId;
    final String containerId;
    final Path bundle;
    final long pid;
    final long shimPid;
    final long shimStartTicks;
    final long startMillis;
    final String cgroupsPath;
    final String image;
    final CompletableFuture<ExitResult> exit = new CompletableFuture<>();

    RuncTask(String taskId, String containerId, Path bundle, long pid, long shimPid, long shimStartTicks,
             long startMillis, String cgroupsPath, String image) {
        this.taskId = taskId;
        this.containerId = containerId;
        this.bundle = bundle;
        this.pid = pid;
        this.shimPid = shimPid;
        this.shimStartTicks = shimStartTicks;
        this.startMillis = startMillis;
        this.cgroupsPath = cgroupsPath;
        this.image = image;
    }

    boolean running() {
        return !exit.isDone();
    }

    TaskHandle handle() {
        return new TaskHandle(taskId, RuncRuntime.NAME, pid, startMillis, containerId, Map.of(
                STATE_BUNDLE, bundle.toString(),
                STATE_SHIM_PID, Long.toString(shimPid),
                STATE_SHIM_START, Long.toString(shimStartTicks),
                STATE_CGROUP, cgroupsPath,
                STATE_IMAGE, image));
    }
}
