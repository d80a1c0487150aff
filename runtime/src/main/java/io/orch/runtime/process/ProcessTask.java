package io.orch.runtime.process;

import io.orch.runtime.TaskHandle;
import io.orch.runtime.TaskRecord;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One supervised task of the process runtime. Its pid is also its process group and session id
 * (it was launched through setsid). {@code env} is empty for a re-attached task: the agent that
 * knew it is gone, and env values are never persisted in the handle because they may hold secrets.
 * Its exit is completed by the JDK's reaper (our child) or the re-attach watcher.
 */
final class ProcessTask extends TaskRecord {
    static final String STATE_BOOT_ID = "bootId";
    static final String STATE_START_TICKS = "startTicks";
    static final String STATE_TASK_DIR = "taskDir";
    static final String STATE_WORKING_DIR = "workingDir";

    final long startTicks;
    final String bootId;
    final Path taskDir;
    final Path workingDir;
    final Optional<Map<String, String>> env;
    final boolean reattached;
    /**
     * False for a task re-attached while its identity could not be checked (no fd to read /proc
     * with): it is supervised, never judged gone, but not signalled until the watcher confirms it.
     */
    volatile boolean identityConfirmed;

    ProcessTask(String taskId, long pid, long startTimeMillis, long startTicks, String bootId,
                Path taskDir, Path workingDir, Optional<Map<String, String>> env, boolean reattached) {
        super(taskId, pid, startTimeMillis);
        this.startTicks = startTicks;
        this.bootId = bootId;
        this.taskDir = taskDir;
        this.workingDir = workingDir;
        this.env = env.map(Map::copyOf);
        this.reattached = reattached;
        this.identityConfirmed = true;
    }

    long pgid() {
        return pid;
    }

    @Override
    public TaskHandle handle() {
        return handle(ProcessRuntime.NAME, "", Map.of(
                STATE_BOOT_ID, bootId,
                STATE_START_TICKS, Long.toString(startTicks),
                STATE_TASK_DIR, taskDir.toString(),
                STATE_WORKING_DIR, workingDir.toString()));
    }
}
