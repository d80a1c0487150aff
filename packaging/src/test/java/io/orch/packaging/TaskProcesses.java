package io.orch.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends the process-runtime tasks a test caused. Each task runs under a small supervisor shell
 * (its parent, not the agent's child) that records the task's exit status in the task's
 * directory once the task is gone. A test that kills only the task races that write when it then
 * deletes its temporary directory; so the supervisor goes first, and nothing writes afterwards.
 */
public final class TaskProcesses {
    private TaskProcesses() {
    }

    /** SIGKILL for the task's supervisor (waited for) and then the task. */
    public static void kill(long taskPid) {
        ProcessHandle.of(taskPid).ifPresent(task -> {
            task.parent().filter(TaskProcesses::isSupervisor).ifPresent(supervisor -> {
                supervisor.destroyForcibly();
                // not our child: the JDK's onExit polls it with growing pauses, so look ourselves
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (supervisor.isAlive() && !zombie(supervisor.pid()) && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            });
            task.destroyForcibly();
        });
    }

    /** Dead and not yet reaped by init, which may take it a while: it writes nothing any more. */
    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return true; // gone
        }
    }

    private static boolean isSupervisor(ProcessHandle p) {
        return p.info().arguments().map(args -> Arrays.asList(args).contains("orch-task")).orElse(false);
    }
}
