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
 * Its exit is completed from the exit file its {@link Supervisor} writes, or, for a task from an
 * agent before supervisors, by the re-attach watcher (with no code).
 */
final class ProcessTask extends TaskRecord {
    static final String STATE_BOOT_ID = "bootId";
    static final String STATE_START_TICKS = "startTicks";
    static final String STATE_TASK_DIR = "taskDir";
    static final String STATE_WORKING_DIR = "workingDir";
    static final String STATE_SUPERVISOR_PID = "supervisorPid";
    static final String STATE_SUPERVISOR_TICKS = "supervisorStartTicks";
    static final String STATE_EXIT_FILE = "exitFile";

    /**
     * The shell that started the task and waits for it (not the agent's child), and the file it
     * writes the task's exit status to. Absent for a task re-attached from an agent that predates
     * supervisors.
     */
    record Supervisor(long pid, long startTicks, Path exitFile) {
        static Optional<Supervisor> fromState(Map<String, String> state) {
            try {
                return Optional.of(new Supervisor(Long.parseLong(state.get(STATE_SUPERVISOR_PID)),
                        Long.parseLong(state.get(STATE_SUPERVISOR_TICKS)), Path.of(state.get(STATE_EXIT_FILE))));
            } catch (RuntimeException e) {
                return Optional.empty(); // missing or damaged: the task is watched by its pid alone
            }
        }
    }

    final long startTicks;
    final String bootId;
    final Path taskDir;
    final Path workingDir;
    final Optional<Map<String, String>> env;
    final boolean reattached;
    final Optional<Supervisor> supervisor;
    /**
     * False for a task re-attached while its identity could not be checked (no fd to read /proc
     * with): it is supervised, never judged gone, but not signalled until the watcher confirms it.
     */
    volatile boolean identityConfirmed;

    ProcessTask(String taskId, long pid, long startTimeMillis, long startTicks, String bootId,
                Path taskDir, Path workingDir, Optional<Map<String, String>> env, boolean reattached,
                Optional<Supervisor> supervisor) {
        super(taskId, pid, startTimeMillis);
        this.startTicks = startTicks;
        this.bootId = bootId;
        this.taskDir = taskDir;
        this.workingDir = workingDir;
        this.env = env.map(Map::copyOf);
        this.reattached = reattached;
        this.supervisor = supervisor;
        this.identityConfirmed = true;
    }

    long pgid() {
        return pid;
    }

    @Override
    public TaskHandle handle() {
        Map<String, String> state = new java.util.HashMap<>(Map.of(
                STATE_BOOT_ID, bootId,
                STATE_START_TICKS, Long.toString(startTicks),
                STATE_TASK_DIR, taskDir.toString(),
                STATE_WORKING_DIR, workingDir.toString()));
        supervisor.ifPresent(s -> {
            state.put(STATE_SUPERVISOR_PID, Long.toString(s.pid()));
            state.put(STATE_SUPERVISOR_TICKS, Long.toString(s.startTicks()));
            state.put(STATE_EXIT_FILE, s.exitFile().toString());
        });
        return handle(ProcessRuntime.NAME, "", Map.copyOf(state));
    }
}
