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

    /** How long an exit waits for the stampers to write the task's last lines. */
    static final long OUTPUT_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Path setsid;
    private final Path perl;
    private final List<Path> pipes = new ArrayList<>();

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

    Process launch(TaskConfig config, Map<String, String> env, Path workingDir) throws RuntimeFailure {
        checkExecutable(config.argv().get(0), env, workingDir);
        try {
            Files.createDirectories(config.taskDir());
        } catch (IOException e) {
            throw new RuntimeFailure("cannot create task dir " + config.taskDir() + ": " + e.getMessage(), true, e);
        }
        // each line timed by a stamper of its own session, which outlives the agent as the task does;
        // pipes named per start, so a restart never meets the pipe of a stamper still draining
        String run = Long.toString(System.nanoTime(), 36);
        Path stdout = config.taskDir().resolve("stdout-" + run + ".pipe");
        Path stderr = config.taskDir().resolve("stderr-" + run + ".pipe");
        pipes.add(stdout);
        pipes.add(stderr);
        try {
            LineStamper.start(setsid, perl, "stdout", stdout, LogFiles.in(config.taskDir()).stdout(), config.logs().rotation());
            LineStamper.start(setsid, perl, "stderr", stderr, LogFiles.in(config.taskDir()).stderr(), config.logs().rotation());
        } catch (IOException e) {
            throw new RuntimeFailure("cannot start the log stampers: " + e.getMessage(), true, e);
        }
        List<String> cleanExec = CleanSignals.wrap(perl, config.argv());
        List<String> argv = new ArrayList<>();
        argv.add(setsid.toString());
        argv.addAll(cleanExec);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(workingDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            releaseStampers(stdout, stderr);
            throw new RuntimeFailure("cannot start process: " + e.getMessage(), true, e);
        }
        awaitTaskExec(process, List.of(argv, cleanExec));
        return process;
    }

    /**
     * After the task exited: waits (bounded) until its stampers have written its last lines and
     * left (each removes its pipe), so whoever learns of the exit finds all the output in the
     * files. A child the task left running in the background may keep a pipe open: then the
     * exit is reported anyway once the bound has passed.
     */
    void awaitOutputDrained() {
        long deadline = System.nanoTime() + OUTPUT_DRAIN_NANOS;
        while (System.nanoTime() < deadline && pipes.stream().anyMatch(Files::exists)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

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

    /**
     * pb.start() returns once setsid is exec'd, not once it has called setsid(2), exec'd the
     * signal reset and that has exec'd the task. Wait for all of it (the command line is none of
     * the wrappers' any more) so that the caller gets a task that really runs in its own session
     * with clean signals: a stop right after start reaches the group and is not ignored, and /proc
     * shows the task's program, not a wrapper in between.
     */
    private static void awaitTaskExec(Process process, List<List<String>> wrapperStages) throws RuntimeFailure {
        long deadline = System.nanoTime() + SESSION_WAIT_NANOS;
        while (System.nanoTime() < deadline) {
            Optional<ProcStat> stat = ProcStat.read(process.pid());
            boolean ownSession = stat.isPresent() && stat.get().session() == process.pid()
                    && stat.get().pgrp() == process.pid();
            List<String> cmdline = ProcFs.commandLine(process.pid());
            if (ownSession && !cmdline.isEmpty() && !wrapperStages.contains(cmdline)) {
                return;
            }
            if (!process.isAlive()) {
                return; // it ran and already exited (a fast task): waitFor reports the exit code
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        process.destroyForcibly();
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
