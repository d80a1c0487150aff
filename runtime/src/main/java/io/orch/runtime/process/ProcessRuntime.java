package io.orch.runtime.process;

import io.orch.runtime.ExecResult;
import io.orch.runtime.ExitFileWatch;
import io.orch.runtime.ExitResult;
import io.orch.runtime.Fingerprint;
import io.orch.runtime.LogFiles;
import io.orch.runtime.ResourceUsage;
import io.orch.runtime.RuntimeCapabilities;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.Signal;
import io.orch.runtime.StopRequest;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.TableBackedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task's argv as a plain host process (like Nomad's raw_exec): no isolation, no limits,
 * the image is only a label. Each task is the leader of its own session and process group so it
 * can be signalled with its children and outlives the agent; a later agent re-attaches with
 * {@link #recover}. Linux only.
 */
public final class ProcessRuntime extends TableBackedRuntime<ProcessTask> {
    public static final String NAME = "process";
    private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);
    public static final RuntimeCapabilities CAPABILITIES = new RuntimeCapabilities(false, false, true, true,
            false, false, false, true);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final Path setsid;
    private final Path perl;
    private final Optional<Path> killBinary;
    private final PidProbe probe;
    private final ReattachedWatcher watcher;
    /** Every task's exit, from the exit file its supervisor writes: one thread for all of them. */
    private final ExitFileWatch exits = new ExitFileWatch("orch-process-exits");
    /** One /proc pass per usage sample of all tasks (sampled every few seconds), not one per task. */
    private final ProcessGroupTable usageGroups = new ProcessGroupTable(Duration.ofSeconds(1));
    /** Closed: exits are no longer learned, so a stop signals and does not wait for them. */
    private volatile boolean closed;

    public ProcessRuntime() {
        this(Path.of("/usr/bin/setsid"), CleanSignals.PERL, ProcessGroupSignaller.findKillBinary());
    }

    ProcessRuntime(Path setsid, Path perl, Optional<Path> killBinary) {
        this(setsid, perl, killBinary, new PidProbe(PidProbe.PROC));
    }

    /** {@code probe} is the seam where tests make /proc unreadable (fd exhaustion). */
    ProcessRuntime(Path setsid, Path perl, Optional<Path> killBinary, PidProbe probe) {
        super(NAME, CAPABILITIES);
        this.setsid = setsid;
        this.perl = perl;
        this.killBinary = killBinary;
        this.probe = probe;
        this.watcher = new ReattachedWatcher(probe);
    }

    @Override
    public Fingerprint fingerprint() {
        return Fingerprint.unlessUnavailable(unavailableReason(), () -> Fingerprint.available(Map.of(
                "kernel.version", ProcFs.readTrimmed(Path.of("/proc/sys/kernel/osrelease"))
                        .orElse(System.getProperty("os.version")),
                "os.arch", System.getProperty("os.arch"),
                "cpu.count", Integer.toString(Runtime.getRuntime().availableProcessors()),
                "setsid", setsid.toString(),
                "perl", perl.toString(),
                "kill", killBinary.orElseThrow().toString())));
    }

    private Optional<String> unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().startsWith("linux")) {
            return Optional.of("process runtime needs Linux, this is " + System.getProperty("os.name"));
        }
        if (!Files.isExecutable(setsid)) {
            return Optional.of(setsid + " not found (util-linux): cannot give tasks their own session");
        }
        if (!Files.isExecutable(perl)) {
            // Refuse rather than run tasks that may inherit ignored signals and never stop on them.
            return Optional.of(perl + " not found (perl-base): cannot reset the signals tasks inherit");
        }
        if (killBinary.isEmpty()) {
            return Optional.of("no kill binary in /bin or /usr/bin: cannot signal process groups");
        }
        if (ProcStat.read(ProcessHandle.current().pid()).isEmpty()) {
            return Optional.of("/proc is not readable");
        }
        return Optional.empty();
    }

    /** Synchronized so two starts of one task id cannot both launch; a start takes milliseconds. */
    @Override
    public synchronized TaskHandle start(TaskConfig config) throws RuntimeFailure {
        Optional<String> problem = unavailableReason();
        if (problem.isPresent()) {
            throw new RuntimeFailure("process runtime unavailable: " + problem.get(), false);
        }
        validate(config);
        ProcessTask previous = tasks.get(config.taskId());
        if (previous != null && previous.running()) {
            throw new RuntimeFailure("task " + config.taskId() + " is already running as pid " + previous.pid, false);
        }
        Map<String, String> env = ProcessLauncher.environment(config);
        Path workingDir = ProcessLauncher.workingDir(config);
        if (!Files.isDirectory(workingDir) && !workingDir.equals(config.taskDir())) {
            throw new RuntimeFailure("working dir " + workingDir + " does not exist", false);
        }
        ProcessLauncher.Launched launched = new ProcessLauncher(setsid, perl).launch(config, env, workingDir);
        long pid = launched.taskPid();
        long startMillis = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(Instant::toEpochMilli)
                .orElse(System.currentTimeMillis());
        long startTicks = ProcStat.read(pid).map(ProcStat::startTicks).orElse(-1L);
        ProcessTask task = new ProcessTask(config.taskId(), pid, startMillis, startTicks, ProcFs.bootId(),
                config.taskDir(), workingDir, Optional.of(env), false,
                Optional.of(new ProcessTask.Supervisor(launched.supervisorPid(), launched.supervisorTicks(), launched.exitFile())));
        tasks.put(config.taskId(), task);
        watchExit(task, task.supervisor.orElseThrow());
        // argv may carry secrets as much as env does: log only the program.
        log.info("task {} started as pid {} ({}, {} args)", config.taskId(), task.pid, config.argv().get(0),
                config.argv().size() - 1);
        return task.handle();
    }

    private static void validate(TaskConfig config) throws RuntimeFailure {
        if (config.taskId() == null || config.taskId().isBlank()) {
            throw new RuntimeFailure("task id is empty", false);
        }
        if (config.argv().isEmpty()) {
            throw new RuntimeFailure("task " + config.taskId() + " has no command to run", false);
        }
        if (config.taskDir() == null) {
            throw new RuntimeFailure("task " + config.taskId() + " has no task dir", false);
        }
        if (config.user() != null && !config.user().isBlank()) {
            // Silently running as the agent's user (often root) instead would be worse than refusing.
            throw new RuntimeFailure("process runtime cannot run tasks as another user (" + config.user() + ")", false);
        }
        if (config.container().tty()) {
            // a process with plain pipes for a task that asked for a terminal would be a silently ignored setting
            throw new RuntimeFailure("process runtime cannot give a task a terminal (TTY): use the runc runtime", false);
        }
    }

    /**
     * The task's supervisor (not our child: it outlives the agent) reaps it and writes its exit
     * status, a shell's (see ExitCodes), once the stampers have its last lines.
     */
    private void watchExit(ProcessTask task, ProcessTask.Supervisor supervisor) {
        exits.watch(supervisor.exitFile(), () -> provablyGone(supervisor)).thenAccept(code -> complete(task,
                code.isPresent() ? ExitCodes.fromExitValue(code.getAsInt()) : ExitCodes.unrecorded()));
    }

    /**
     * The supervisor is known to be gone: no such pid, a stranger that reused it (another start
     * time) or a zombie. Never when /proc could not be read (out of fds): that proves nothing.
     */
    private boolean provablyGone(ProcessTask.Supervisor supervisor) {
        PidProbe.Result r = probe.probe(supervisor.pid());
        return r instanceof PidProbe.Gone || r instanceof PidProbe.Alive alive
                && (alive.stat().startTicks() != supervisor.startTicks() || alive.stat().zombie());
    }

    /** The supervisor is known to run: same pid and the same start time. */
    private boolean knownAlive(ProcessTask.Supervisor supervisor) {
        return probe.probe(supervisor.pid()) instanceof PidProbe.Alive alive
                && alive.stat().startTicks() == supervisor.startTicks() && !alive.stat().zombie();
    }

    private void complete(ProcessTask task, ExitResult result) {
        if (task.exit.complete(result)) {
            log.info("task {} (pid {}) exited: {}", task.taskId, task.pid, result.message());
        }
    }

    /** Any known task: its group may outlive the process that led it. */
    @Override
    protected Optional<ProcessTask> stoppable(String taskId) {
        return tasks.lookup(taskId);
    }

    @Override
    protected void stop(ProcessTask task, StopRequest request) {
        String taskId = task.taskId;
        if (!identityConfirmed(task)) {
            log.warn("task {} (pid {}) not stopped: cannot check the pid is still the task's", taskId, task.pid);
            return;
        }
        ProcessGroupSignaller signaller = new ProcessGroupSignaller(killBinary.orElseThrow());
        if (groupAlive(task)) {
            log.info("stopping task {} (pid {}): {} to its group, grace {}", taskId, task.pid, request.first().name(), request.grace());
            signaller.signal(task.pgid(), request.first());
            awaitGroupExit(task, request.firstWait(KILL_WAIT));
        }
        if (groupAlive(task)) {
            log.info("task {} (pid {}) still running after grace: SIGKILL to its group", taskId, task.pid);
            signaller.signal(task.pgid(), Signal.KILL);
            awaitGroupExit(task, KILL_WAIT);
        }
    }

    /** Whether signals to the task's group reach the task, not a stranger that got its pid. */
    private boolean identityConfirmed(ProcessTask task) {
        if (!task.identityConfirmed && ReattachCheck.check(task.handle(), probe) instanceof ReattachCheck.Same) {
            task.identityConfirmed = true;
        }
        return task.identityConfirmed;
    }

    /** The leader still runs, or something it forked still holds the group. */
    private static boolean groupAlive(ProcessTask task) {
        return task.running() || !ProcFs.liveGroupMembers(task.pgid()).isEmpty();
    }

    private void awaitGroupExit(ProcessTask task, Duration timeout) {
        if (closed) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            task.exit.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            // The leader is gone; give its children the rest of the time (they got the signal too).
            while (!ProcFs.liveGroupMembers(task.pgid()).isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } catch (TimeoutException e) {
            // caller escalates
        } catch (ExecutionException e) {
            // cannot happen: exit futures complete normally
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void destroy(String taskId) {
        ProcessTask task = tasks.get(taskId);
        if (task == null) {
            return;
        }
        stop(taskId, Duration.ZERO, Signal.KILL);
        tasks.remove(taskId, task);
        watcher.forget(task);
        task.supervisor.ifPresent(s -> exits.forget(s.exitFile()));
        log.debug("task {} destroyed", taskId);
    }

    /** Sums over the live members of the task's process group: the task and what it forked. */
    @Override
    public ResourceUsage stats(String taskId) {
        ProcessTask task = tasks.get(taskId);
        if (task == null) {
            return ResourceUsage.UNKNOWN;
        }
        List<ProcStat> members = usageGroups.members(task.pgid());
        if (members.isEmpty()) {
            return ResourceUsage.UNKNOWN;
        }
        long cpu = 0;
        long rss = 0;
        for (ProcStat m : members) {
            cpu += m.cpuNanos();
            rss += Math.max(0, ProcFs.residentBytes(m.pid()));
        }
        return new ResourceUsage(cpu, rss, members.size());
    }

    @Override
    protected LogFiles logFiles(ProcessTask task) {
        return LogFiles.in(task.taskDir);
    }

    @Override
    public ExecResult exec(String taskId, List<String> command, Duration timeout) throws RuntimeFailure {
        ProcessTask task = execTarget(taskId, command);
        // A re-attached task's env was never persisted (secrets): read it back from the kernel.
        Map<String, String> env = task.env.or(() -> ProcFs.environment(task.pid))
                .orElse(Map.of("PATH", ProcessLauncher.DEFAULT_PATH));
        return new BoundedExec(setsid, perl, new ProcessGroupSignaller(killBinary.orElseThrow()))
                .run(command, env, task.workingDir, timeout);
    }

    /** The signal goes to the task's process group: the task and what it forked, as a container's processes. */
    @Override
    public void signal(String taskId, Signal signal) throws RuntimeFailure {
        ProcessTask task = tasks.running(taskId);
        if (!identityConfirmed(task)) {
            throw new RuntimeFailure("task " + taskId + ": cannot check its pid is still the task's; try again", true);
        }
        new ProcessGroupSignaller(killBinary.orElseThrow()).signal(task.pgid(), signal);
    }

    @Override
    public List<Long> processIds(String taskId) {
        ProcessTask task = tasks.get(taskId);
        if (task == null || !task.running()) {
            return List.of();
        }
        return ProcFs.liveGroupMembers(task.pgid()).stream().map(ProcStat::pid).toList();
    }

    /**
     * Re-attaches unless the handle's process is provably gone or another process. When the check
     * cannot run (out of fds) the task is re-attached unconfirmed: the watcher decides later, and
     * until then nothing starts a replacement beside a task that may well run on.
     */
    @Override
    public boolean recover(TaskHandle handle) {
        if (!NAME.equals(handle.runtime()) || !System.getProperty("os.name", "").toLowerCase().startsWith("linux")) {
            return false;
        }
        ProcessTask known = tasks.get(handle.taskId());
        if (known != null && known.running() && known.pid == handle.pid()) {
            return true;
        }
        Map<String, String> state = handle.driverState();
        Optional<ProcessTask.Supervisor> supervisor = ProcessTask.Supervisor.fromState(state);
        ReattachCheck.Verdict verdict = ReattachCheck.check(handle, probe);
        // a supervisor of this boot that recorded the task's end, or is about to
        boolean recorded = supervisor.isPresent() && ProcFs.bootId().equals(state.get(ProcessTask.STATE_BOOT_ID))
                && (Files.exists(supervisor.get().exitFile()) || knownAlive(supervisor.get()));
        if (verdict instanceof ReattachCheck.NotOurs notOurs && !recorded) {
            log.info("task {} not recovered: {}", handle.taskId(), notOurs.why());
            return false;
        }
        Path taskDir = Path.of(state.getOrDefault(ProcessTask.STATE_TASK_DIR, "/"));
        long startTicks = verdict instanceof ReattachCheck.Same same ? same.stat().startTicks()
                : parseTicks(state.get(ProcessTask.STATE_START_TICKS));
        ProcessTask task = new ProcessTask(handle.taskId(), handle.pid(), handle.startTimeMillis(), startTicks,
                state.getOrDefault(ProcessTask.STATE_BOOT_ID, ProcFs.bootId()), taskDir,
                Path.of(state.getOrDefault(ProcessTask.STATE_WORKING_DIR, taskDir.toString())),
                Optional.empty(), true, supervisor);
        if (verdict instanceof ReattachCheck.NotOurs) {
            // ended while no agent watched: its supervisor recorded how (or is about to)
            log.info("task {} (pid {}) ended while the agent was away", handle.taskId(), handle.pid());
            task.identityConfirmed = false; // its pid may be a stranger's by now: never signal it
            tasks.put(handle.taskId(), task);
            watchExit(task, supervisor.orElseThrow());
            return true;
        }
        if (verdict instanceof ReattachCheck.Unknown unknown) {
            task.identityConfirmed = false;
            log.warn("task {} re-attached to pid {} unconfirmed: {}", handle.taskId(), handle.pid(), unknown.why());
        } else {
            log.info("task {} re-attached to pid {}", handle.taskId(), handle.pid());
        }
        tasks.put(handle.taskId(), task);
        if (supervisor.isPresent()) {
            watchExit(task, supervisor.get()); // its real exit status, though it is not our child
        } else {
            watcher.watch(task, this::complete); // started by an agent from before exit files: no code to learn
        }
        return true;
    }

    private static long parseTicks(String ticks) {
        try {
            return ticks == null ? -1 : Long.parseLong(ticks);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Drives one round of the re-attached tasks' watchers (tests). */
    void pollReattached() {
        watcher.poll();
        exits.rescan();
    }

    /** Stops supervising. Tasks keep running on purpose: the next agent re-attaches to them. */
    @Override
    public void close() {
        closed = true;
        watcher.close();
        exits.close();
    }
}
