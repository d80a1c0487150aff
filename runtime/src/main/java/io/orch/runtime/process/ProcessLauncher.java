package io.orch.runtime.process;

import io.orch.runtime.LogFiles;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.logs.LineStamper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Turns a {@link TaskConfig} into a running host process.
 *
 * <p>Why {@code setsid}: the task becomes the leader of a new session and process group
 * (pid == pgid == sid). That lets us signal the task together with everything it forks, and it
 * unties the task from the agent: no signal aimed at the agent's group or terminal (Ctrl-C, SIGHUP
 * on logout) reaches the task, so it survives an agent restart. Output goes through named pipes to
 * two {@link LineStamper}s in sessions of their own, which time each line into the log files, and
 * stdin is /dev/null (no pipes to the JVM), so nothing breaks when the JVM dies. Under systemd the
 * agent's unit still needs KillMode=process, or stopping the unit kills its whole cgroup.
 *
 * <p>Between setsid and the task sits {@link CleanSignals}, so the task starts with default signal
 * dispositions and an empty mask instead of whatever the agent and the JDK would hand down.
 */
final class ProcessLauncher {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final long SESSION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);


    private final Path setsid;
    private final Path perl;

    ProcessLauncher(Path setsid, Path perl) {
        this.setsid = setsid;
        this.perl = perl;
    }

    /** The task's environment: exactly what the spec says, plus a PATH so argv[0] can be found. */
    static Map<String, String> environment(TaskConfig config) {
        Map<String, String> env = new HashMap<>(config.env());
        env.putIfAbsent("PATH", DEFAULT_PATH);
        return env;
    }

    static Path workingDir(TaskConfig config) {
        if (config.workingDir() == null || config.workingDir().isBlank()) {
            return config.taskDir();
        }
        return config.taskDir().resolve(config.workingDir()); // an absolute workingDir wins
    }

    /** A started task: its own pid, and its supervisor's, which writes the task's exit status to {@code exitFile}. */
    record Launched(long taskPid, long supervisorPid, long supervisorTicks, Path exitFile) {
    }

    Launched launch(TaskConfig config, Map<String, String> env, Path workingDir) throws RuntimeFailure {
        checkExecutable(config.argv().get(0), env, workingDir);
        try {
            Files.createDirectories(config.taskDir());
        } catch (IOException e) {
            throw new RuntimeFailure("cannot create task dir " + config.taskDir() + ": " + e.getMessage(), true, e);
        }
        // each line timed by a stamper of its own session, which outlives the agent as the task does;
        // pipes and files named per start, so a restart never meets those of a previous run
        String run = Long.toString(System.nanoTime(), 36);
        Path stdout = config.taskDir().resolve("stdout-" + run + ".pipe");
        Path stderr = config.taskDir().resolve("stderr-" + run + ".pipe");
        Path exitFile = config.taskDir().resolve("exit-" + run);
        Path pidFile = config.taskDir().resolve("pids-" + run);
        // A task whose logs are not kept (log driver "none") writes to /dev/null and gets no
        // stamper: a process fewer per task. Its pipes are never made, so the supervisor
        // does not wait for them.
        boolean logsKept = config.logs().kept();
        if (logsKept) {
            try {
                LogFiles logs = LogFiles.in(config.taskDir());
                LineStamper.start(setsid, perl, List.of(new LineStamper.Stream("stdout", stdout, logs.stdout()),
                        new LineStamper.Stream("stderr", stderr, logs.stderr())), config.logs().rotation());
            } catch (IOException e) {
                throw new RuntimeFailure("cannot start the log stamper: " + e.getMessage(), true, e);
            }
        }
        List<String> cleanExec = CleanSignals.wrap(perl, config.argv());
        List<String> inSession = new ArrayList<>();
        inSession.add(setsid.toString());
        inSession.addAll(cleanExec);
        List<String> supervisor = new ArrayList<>(List.of(SHELL, "-c", SUPERVISOR, "orch-task",
                exitFile.toString(), pidFile.toString(), stdout.toString(), stderr.toString()));
        supervisor.addAll(inSession);
        List<String> argv = new ArrayList<>(List.of(setsid.toString(), "--fork"));
        argv.addAll(supervisor);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(workingDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(logsKept ? ProcessBuilder.Redirect.appendTo(stdout.toFile()) : ProcessBuilder.Redirect.DISCARD)
                .redirectError(logsKept ? ProcessBuilder.Redirect.appendTo(stderr.toFile()) : ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process forker = pb.start();
            // setsid --fork exits as soon as it has forked: the supervisor is not our child, so no
            // JDK reaper thread waits on it for the task's lifetime
            if (!forker.waitFor(SESSION_WAIT_NANOS, TimeUnit.NANOSECONDS) || forker.exitValue() != 0) {
                forker.destroyForcibly();
                throw new RuntimeFailure("setsid --fork did not start the task's supervisor", true);
            }
        } catch (IOException e) {
            if (logsKept) {
                releaseStampers(stdout, stderr);
            }
            throw new RuntimeFailure("cannot start process: " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while starting the task", true, e);
        }
        long[] pids = awaitPids(pidFile);
        long supervisorTicks = ProcStat.read(pids[0]).map(ProcStat::startTicks).orElse(-1L);
        awaitTaskExec(pids[1], exitFile, List.of(supervisor, inSession, cleanExec));
        return new Launched(pids[1], pids[0], supervisorTicks, exitFile);
    }

    /** The shell that supervises one task; see {@link #SUPERVISOR}. */
    static final String SHELL = "/bin/sh";

    /**
     * Starts the task ($5...: setsid, the signal reset, the task) in the background, so that it
     * gets a session and process group of its own, apart from this shell's: signals to the task's
     * group never reach the supervisor, which is left to record how the task ended. Writes
     * "SUPERVISOR_PID TASK_PID" to $2, lets go of the output pipes, waits for the task, gives the
     * stamper up to 2 s to write the task's last lines (it removes each pipe, $3 and $4, when
     * done), and writes the task's exit status (a shell's: 128+N for signal N) to $1, by rename.
     */
    static final String SUPERVISOR = "e=\"$1\"; p=\"$2\"; o=\"$3\"; r=\"$4\"; shift 4; "
            + "\"$@\" & t=$!; "
            + "echo \"$$ $t\" > \"$p.tmp\" && mv \"$p.tmp\" \"$p\"; "
            + "exec >/dev/null 2>&1; "
            + "wait \"$t\"; c=$?; "
            + "i=0; while { [ -e \"$o\" ] || [ -e \"$r\" ]; } && [ \"$i\" -lt 200 ]; do sleep 0.01; i=$((i+1)); done; "
            + "echo \"$c\" > \"$e.tmp\" && mv \"$e.tmp\" \"$e\"";

    /** No task will write: a writer that opens and closes each pipe lets its stamper see the end and exit. */
    private static void releaseStampers(Path... pipes) {
        for (Path pipe : pipes) {
            try (var ignored = new java.io.FileOutputStream(pipe.toFile(), true)) {
                // opened and closed
            } catch (IOException e) {
                // no stamper there (it failed to start): nothing to release
            }
        }
    }

    /** The supervisor's and the task's pid, once the supervisor has written them. */
    private static long[] awaitPids(Path pidFile) throws RuntimeFailure {
        long deadline = System.nanoTime() + SESSION_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) {
                try {
                    String[] words = Files.readString(pidFile).trim().split(" ");
                    return new long[] {Long.parseLong(words[0]), Long.parseLong(words[1])};
                } catch (IOException | RuntimeException e) {
                    throw new RuntimeFailure("the task's supervisor wrote no pids: " + e.getMessage(), true, e);
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        throw new RuntimeFailure("the task's supervisor did not start within 5s", true);
    }

    /**
     * The supervisor has forked the task, which has yet to call setsid(2), exec the signal reset
     * and that exec the task. Wait for all of it (the command line is none of the wrappers' any
     * more) so that the caller gets a task that really runs in its own session with clean
     * signals: a stop right after start reaches the group and is not ignored, and /proc shows the
     * task's program, not a wrapper in between.
     */
    private static void awaitTaskExec(long pid, Path exitFile, List<List<String>> wrapperStages) throws RuntimeFailure {
        long deadline = System.nanoTime() + SESSION_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            Optional<ProcStat> stat = ProcStat.read(pid);
            boolean ownSession = stat.isPresent() && stat.get().session() == pid && stat.get().pgrp() == pid;
            List<String> cmdline = ProcFs.commandLine(pid);
            if (ownSession && !cmdline.isEmpty() && !wrapperStages.contains(cmdline)) {
                return;
            }
            if (Files.exists(exitFile) || stat.isEmpty()) {
                return; // it ran and already exited (a fast task): its exit file says how
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        throw new RuntimeFailure("task did not start in its own session (setsid) within 5s", true);
    }

    /** Fails permanently on a missing executable: retrying the same spec cannot help. */
    private static void checkExecutable(String argv0, Map<String, String> env, Path workingDir) throws RuntimeFailure {
        if (argv0.contains("/")) {
            Path p = workingDir.resolve(argv0);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return;
            }
        } else {
            for (String dir : env.getOrDefault("PATH", DEFAULT_PATH).split(":")) {
                Path p = workingDir.resolve(dir.isEmpty() ? "." : dir).resolve(argv0);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return;
                }
            }
        }
        throw new RuntimeFailure("executable not found: " + argv0, false);
    }
}
