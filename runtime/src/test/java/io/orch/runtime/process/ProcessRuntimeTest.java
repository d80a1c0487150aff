package io.orch.runtime.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.ExecResult;
import io.orch.runtime.ExitResult;
import io.orch.runtime.Fingerprint;
import io.orch.runtime.ResourceUsage;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.Signal;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.logs.LogFileText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ProcessRuntimeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    @TempDir
    Path tmp;

    private final ProcessRuntime runtime = new ProcessRuntime();
    private final List<ProcessRuntime> others = new ArrayList<>();
    private final List<String> started = new ArrayList<>();

    @AfterEach
    void killEverythingWeStarted() {
        started.forEach(runtime::destroy);
        runtime.close();
        others.forEach(ProcessRuntime::close);
    }

    private TaskConfig config(String taskId, Map<String, String> env, String workingDir, String... argv) {
        return new TaskConfig(taskId, taskId, "label-only", List.of(argv), env, workingDir, "", "",
                TaskConfig.Resources.NONE, Map.of(), tmp.resolve(taskId));
    }

    private TaskHandle start(String taskId, String... argv) throws RuntimeFailure {
        return start(config(taskId, Map.of(), null, argv));
    }

    private TaskHandle start(TaskConfig config) throws RuntimeFailure {
        started.add(config.taskId());
        return runtime.start(config);
    }

    private static ExitResult exitOf(ProcessRuntime rt, String taskId) throws Exception {
        return rt.waitFor(taskId).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    /** The log stamper writing into a task's dir: their command lines name its log files. */
    private List<Long> stampersOf(String taskId) {
        String logs = tmp.resolve(taskId).toString() + "/std";
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(logs + "out.log") || c.contains(logs + "err.log")).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    private static ProcStat stat(long pid) {
        return ProcStat.read(pid).orElseThrow(() -> new AssertionError("pid " + pid + " is gone"));
    }

    private static boolean live(long pid) {
        return ProcStat.read(pid).filter(s -> !s.zombie()).isPresent();
    }

    @Test
    void sleepRunsAsLeaderOfItsOwnSessionAndProcessGroup() throws Exception {
        TaskHandle h = start("own-group", "sleep", "1000");

        ProcStat s = stat(h.pid());
        assertEquals(h.pid(), s.pgrp(), "pgid == pid");
        assertEquals(h.pid(), s.session(), "sid == pid");
        ProcStat agent = stat(ProcessHandle.current().pid());
        assertNotEquals(agent.session(), s.session(), "not in the agent's session");
        assertEquals(List.of("sleep", "1000"), ProcFs.commandLine(h.pid()), "start returned after setsid exec'd the task");
        assertTrue(runtime.inspect("own-group").isPresent());
        assertFalse(runtime.waitFor("own-group").isDone(), "still running");
    }

    @Test
    void taskStartsWithNoSignalIgnoredOrBlockedThoughTheJdkHandsItsChildrenBoth() throws Exception {
        // Without the reset a ProcessBuilder child has SIGQUIT blocked and signals 32, 33 ignored.
        TaskHandle h = start("clean-signals", "sleep", "1000");

        assertEquals(0L, SignalState.of(h.pid(), "SigIgn"), "ignored signals (bit n-1 is signal n)");
        assertEquals(0L, SignalState.of(h.pid(), "SigBlk"), "blocked signals (bit n-1 is signal n)");
    }

    @Test
    void stopWithSigquitEndsTheTaskAtOnceBecauseItsMaskIsEmpty() throws Exception {
        start("quit", "sleep", "1000");

        runtime.stop("quit", Duration.ofSeconds(20), io.orch.runtime.Signal.parse("QUIT"));

        assertEquals(131, exitOf(runtime, "quit").exitCode(), "128 + SIGQUIT(3), not SIGKILL after the grace");
    }

    @Test
    void stopSendsTermToTheGroupAndTheTaskExitsWith143() throws Exception {
        start("term", "sleep", "1000");

        runtime.stop("term", Duration.ofSeconds(10), io.orch.runtime.Signal.parse("SIGTERM"));

        ExitResult exit = exitOf(runtime, "term");
        assertEquals(143, exit.exitCode());
        assertEquals(15, exit.signal());
        assertFalse(exit.successful());
    }

    @Test
    void stopAcceptsOtherSignalSpellings() throws Exception {
        start("int", "sleep", "1000");

        runtime.stop("int", Duration.ofSeconds(10), io.orch.runtime.Signal.parse("INT"));

        assertEquals(130, exitOf(runtime, "int").exitCode(), "128 + SIGINT(2)");
    }

    @Test
    void taskIgnoringTermIsKilledAfterGraceWithNothingOfItsGroupLeft() throws Exception {
        // "; echo" keeps sh from exec'ing sleep, so the group has two members; both ignore TERM
        // (an ignored disposition survives fork and exec).
        TaskHandle h = start("stubborn", "sh", "-c", "trap '' TERM; sleep 1000; echo never");
        await().atMost(DEADLINE).until(() -> ProcFs.liveGroupMembers(h.pid()).size() == 2);
        List<Long> members = ProcFs.liveGroupMembers(h.pid()).stream().map(ProcStat::pid).toList();
        Duration grace = Duration.ofMillis(700);

        long t0 = System.nanoTime();
        runtime.stop("stubborn", grace, io.orch.runtime.Signal.parse("TERM"));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertTrue(tookMillis >= grace.toMillis(), "waited out the grace, took " + tookMillis + " ms");
        assertEquals(137, exitOf(runtime, "stubborn").exitCode(), "SIGKILL after the grace");
        assertEquals(List.of(), ProcFs.liveGroupMembers(h.pid()), "group members left");
        for (long pid : members) {
            assertFalse(live(pid), "member " + pid + " still alive");
        }
        // The leader is our child: the JDK reaped it, no zombie. (The orphaned sleep is reaped by
        // init; some sandboxes run an init that never reaps, so its zombie is not ours to judge.)
        await().atMost(DEADLINE).until(() -> ProcStat.read(h.pid()).isEmpty());
    }

    @Test
    void stopIsIdempotentAndQuickOnceTheTaskHasExited() throws Exception {
        start("twice", "sleep", "1000");
        runtime.stop("twice", Duration.ofSeconds(10), null);
        assertEquals(143, exitOf(runtime, "twice").exitCode());

        long t0 = System.nanoTime();
        runtime.stop("twice", Duration.ofSeconds(10), null);
        runtime.stop("never-started", Duration.ofSeconds(10), null);

        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5_000, "no waiting");
        assertEquals(143, exitOf(runtime, "twice").exitCode(), "first exit result kept");
    }

    @Test
    void killMinus9FromOutsideIsReportedAs137() throws Exception {
        TaskHandle h = start("killed", "sleep", "1000");

        assertTrue(ProcessHandle.of(h.pid()).orElseThrow().destroyForcibly(), "SIGKILL sent");

        ExitResult exit = exitOf(runtime, "killed");
        assertEquals(137, exit.exitCode());
        assertEquals(9, exit.signal());
    }

    @Test
    void exitCodeIsRecorded() throws Exception {
        start("three", "sh", "-c", "exit 3");

        ExitResult exit = exitOf(runtime, "three");
        assertEquals(3, exit.exitCode());
        assertEquals(0, exit.signal());
        assertFalse(exit.successful());
    }

    @Test
    void exactlyTheTaskEnvAndWorkingDirAreApplied() throws Exception {
        Path workDir = Files.createDirectory(tmp.resolve("work"));
        start(config("env", Map.of("FOO", "bar baz"), workDir.toString(),
                "sh", "-c", "echo \"$FOO\"; pwd; echo \"home=${HOME:-unset}\"; echo \"path=$PATH\""));

        assertEquals(0, exitOf(runtime, "env").exitCode());
        List<String> out = LogFileText.read(runtime.logs("env").stdout()).lines().toList();
        assertEquals("bar baz", out.get(0));
        assertEquals(workDir.toRealPath().toString(), out.get(1));
        assertEquals("home=unset", out.get(2), "nothing leaks from the agent's env");
        assertEquals("path=" + ProcessLauncher.DEFAULT_PATH, out.get(3), "PATH defaulted");
    }

    @Test
    void workingDirDefaultsToTheTaskDir() throws Exception {
        start("cwd", "pwd");

        assertEquals(0, exitOf(runtime, "cwd").exitCode());
        assertEquals(tmp.resolve("cwd").toRealPath().toString(),
                LogFileText.read(runtime.logs("cwd").stdout()).trim());
    }

    @Test
    void stderrIsCapturedSeparatelyAndLogsAppendAcrossRestarts() throws Exception {
        start("err", "sh", "-c", "echo out1; echo oops >&2");
        assertEquals(0, exitOf(runtime, "err").exitCode());
        start("err", "sh", "-c", "echo out2");
        assertEquals(0, exitOf(runtime, "err").exitCode());

        assertEquals("oops\n", LogFileText.read(runtime.logs("err").stderr()));
        assertEquals("out1\nout2\n", LogFileText.read(runtime.logs("err").stdout()));
        assertEquals(tmp.resolve("err").resolve("stdout.log"), io.orch.runtime.LogFiles.in(tmp.resolve("err")).stdout());
    }

    @Test
    void aTaskWhoseLogsAreNotKeptRunsWithoutStampersAndWritesNoLogFile() throws Exception {
        TaskHandle h = start(config("nolog", Map.of(), null, "sh", "-c", "echo out; echo err >&2; sleep 1000")
                .withLogs(TaskConfig.Logs.NONE));
        await().atMost(DEADLINE).until(() -> ProcFs.liveGroupMembers(h.pid()).size() == 2);

        start("logged", "sleep", "1000");
        await().atMost(DEADLINE).until(() -> stampersOf("logged").size() == 1); // what a stamper looks like: one for both streams
        assertEquals(List.of(), stampersOf("nolog"), "log driver none: no stamper processes");
        assertFalse(Files.exists(tmp.resolve("nolog").resolve("stdout.log")), "nothing kept");

        runtime.stop("nolog", Duration.ofSeconds(10), Signal.TERM);
        assertEquals(143, exitOf(runtime, "nolog").exitCode(), "the supervisor still reports the exit");
    }

    @Test
    void missingExecutableAndOtherUsersAreRejectedPermanently() {
        RuntimeFailure missing = assertThrows(RuntimeFailure.class,
                () -> start("missing", "no-such-program-orch"));
        assertFalse(missing.temporary());

        TaskConfig asNobody = new TaskConfig("user", "user", "x", List.of("true"), Map.of(), null, "nobody", "",
                TaskConfig.Resources.NONE, Map.of(), tmp.resolve("user"));
        RuntimeFailure user = assertThrows(RuntimeFailure.class, () -> runtime.start(asNobody));
        assertFalse(user.temporary());
    }

    @Test
    void aTaskAskingForATerminalIsRefusedNotRunWithPipes() {
        TaskConfig tty = new TaskConfig("tty", "tty", "x", List.of("true"), Map.of(), null, "", "",
                TaskConfig.Resources.NONE, Map.of(), tmp.resolve("tty"),
                new TaskConfig.Container(List.of("true"), List.of(), false, List.of(), java.util.Optional.empty()).withTty(true));
        RuntimeFailure f = assertThrows(RuntimeFailure.class, () -> runtime.start(tty));
        assertFalse(f.temporary());
        assertEquals("process runtime cannot give a task a terminal (TTY): use the runc runtime", f.getMessage());
    }

    @Test
    void startingARunningTaskIdAgainFails() throws Exception {
        start("dup", "sleep", "1000");

        RuntimeFailure f = assertThrows(RuntimeFailure.class, () -> runtime.start(config("dup", Map.of(), null, "true")));
        assertFalse(f.temporary());
    }

    @Test
    void execRunsWithTheTaskEnvAndWorkingDir() throws Exception {
        start(config("exec", Map.of("FOO", "health"), null, "sleep", "1000"));

        ExecResult r = runtime.exec("exec", List.of("sh", "-c", "echo $FOO; pwd; exit 4"), Duration.ofSeconds(10));

        assertEquals(4, r.exitCode());
        assertFalse(r.timedOut());
        assertEquals("health\n" + tmp.resolve("exec").toRealPath() + "\n", r.output());
    }

    @Test
    void execRunsWithNoSignalIgnoredOrBlocked() throws Exception {
        start("exec-signals", "sleep", "1000");

        ExecResult r = runtime.exec("exec-signals", List.of("grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"),
                Duration.ofSeconds(10));

        assertEquals("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", r.output());
    }

    @Test
    void execTimesOutAndKillsWhatItSpawned() throws Exception {
        start("exec-slow", "sleep", "1000");

        long t0 = System.nanoTime();
        ExecResult r = runtime.exec("exec-slow", List.of("sh", "-c", "echo started; sleep 1000; echo never"),
                Duration.ofMillis(500));

        assertTrue(r.timedOut());
        assertEquals(-1, r.exitCode());
        assertEquals("started\n", r.output());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5_000, "returned at the timeout");
    }

    @Test
    void execOutputIsBounded() throws Exception {
        start("exec-big", "sleep", "1000");

        ExecResult r = runtime.exec("exec-big", List.of("head", "-c", "1000000", "/dev/zero"), Duration.ofSeconds(10));

        assertEquals(0, r.exitCode());
        assertTrue(r.output().length() < BoundedExec.MAX_OUTPUT_BYTES + 100, "bounded: " + r.output().length());
        assertTrue(r.output().endsWith("[output truncated at " + BoundedExec.MAX_OUTPUT_BYTES + " bytes]"));
    }

    @Test
    void execOnUnknownOrExitedTaskFails() throws Exception {
        assertThrows(RuntimeFailure.class, () -> runtime.exec("nope", List.of("true"), Duration.ofSeconds(1)));
        start("done", "true");
        exitOf(runtime, "done");
        assertThrows(RuntimeFailure.class, () -> runtime.exec("done", List.of("true"), Duration.ofSeconds(1)));
    }

    @Test
    void statsReadCpuMemoryAndPidsOfTheGroup() throws Exception {
        TaskHandle h = start("stats", "sh", "-c", "sleep 1000; echo never");
        await().atMost(DEADLINE).until(() -> ProcFs.liveGroupMembers(h.pid()).size() == 2);

        ResourceUsage u = runtime.stats("stats");

        assertEquals(2, u.pids());
        assertTrue(u.memoryBytes() > 0, "rss " + u.memoryBytes());
        assertTrue(u.cpuNanos() >= 0, "cpu " + u.cpuNanos());
        assertEquals(ResourceUsage.UNKNOWN, runtime.stats("unknown"));
    }

    @Test
    void destroyKillsForgetsAndIsIdempotent() throws Exception {
        TaskHandle h = start("destroy", "sleep", "1000");
        var exit = runtime.waitFor("destroy");

        runtime.destroy("destroy");
        runtime.destroy("destroy");

        assertEquals(137, exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).exitCode());
        assertTrue(runtime.inspect("destroy").isEmpty());
        assertFalse(live(h.pid()));
        ExecutionException unknown = assertThrows(ExecutionException.class, () -> runtime.waitFor("destroy").get());
        assertTrue(unknown.getCause().getMessage().contains("unknown task"));
    }

    /** A handle as an agent from before task supervisors wrote it: pid and start time only. */
    private static TaskHandle withoutSupervisor(TaskHandle h) {
        Map<String, String> state = new HashMap<>(h.driverState());
        state.remove(ProcessTask.STATE_SUPERVISOR_PID);
        state.remove(ProcessTask.STATE_SUPERVISOR_TICKS);
        state.remove(ProcessTask.STATE_EXIT_FILE);
        return new TaskHandle(h.taskId(), h.runtime(), h.pid(), h.startTimeMillis(), h.containerId(), state);
    }

    @Test
    void recoverReattachesToALiveProcessAndReportsItsRealExitCode() throws Exception {
        TaskHandle h = start(config("reattach", Map.of("FOO", "carried"), null, "sleep", "1000"));
        ProcessRuntime nextAgent = new ProcessRuntime();
        others.add(nextAgent);

        assertTrue(nextAgent.recover(h));

        assertEquals(h.pid(), nextAgent.inspect("reattach").orElseThrow().pid());
        assertEquals("carried\n", nextAgent.exec("reattach", List.of("sh", "-c", "echo $FOO"), DEADLINE).output(),
                "exec after re-attach gets the task's env back from /proc");
        var exit = nextAgent.waitFor("reattach");
        assertFalse(exit.isDone());
        ProcessHandle.of(h.pid()).orElseThrow().destroyForcibly();
        ExitResult r = exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(137, r.exitCode(), "recorded by the task's supervisor, though the task is not our child: " + r.message());
        assertEquals(9, r.signal());
    }

    @Test
    void aTaskThatEndedWhileNoAgentRanIsRecoveredWithItsExitCode() throws Exception {
        TaskHandle h = start("ended-away", "sh", "-c", "exit 3");
        exitOf(runtime, "ended-away");
        runtime.close(); // the agent stops watching; a new one takes over
        ProcessRuntime nextAgent = new ProcessRuntime();
        others.add(nextAgent);

        assertTrue(nextAgent.recover(h));
        assertEquals(3, nextAgent.waitFor("ended-away").get(DEADLINE.toSeconds(), TimeUnit.SECONDS).exitCode());
    }

    @Test
    void aTaskFromAnAgentBeforeSupervisorsIsReattachedWithAnUnknownExit() throws Exception {
        TaskHandle h = withoutSupervisor(start("legacy", "sleep", "1000"));
        ProcessRuntime nextAgent = new ProcessRuntime();
        others.add(nextAgent);

        assertTrue(nextAgent.recover(h));
        var exit = nextAgent.waitFor("legacy");
        ProcessHandle.of(h.pid()).orElseThrow().destroyForcibly();
        ExitResult r = exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(-1, r.exitCode());
        assertTrue(r.message().contains("exit code unknown") && r.message().contains("re-attached"), r.message());
    }

    @Test
    void recoverRefusesAMismatchingStartTime() throws Exception {
        TaskHandle h = start("reused", "sleep", "1000");
        ProcessRuntime nextAgent = new ProcessRuntime();
        others.add(nextAgent);

        TaskHandle wrongMillis = new TaskHandle(h.taskId(), h.runtime(), h.pid(), h.startTimeMillis() - 60_000,
                h.containerId(), h.driverState());
        Map<String, String> state = new HashMap<>(h.driverState());
        state.put(ProcessTask.STATE_START_TICKS, Long.toString(stat(h.pid()).startTicks() - 1));
        TaskHandle wrongTicks = new TaskHandle(h.taskId(), h.runtime(), h.pid(), h.startTimeMillis(),
                h.containerId(), state);

        assertFalse(nextAgent.recover(withoutSupervisor(wrongMillis)));
        assertFalse(nextAgent.recover(withoutSupervisor(wrongTicks)));
        assertTrue(nextAgent.inspect("reused").isEmpty());

        // with its supervisor still there, the task is followed through it, but the pid, whose
        // start time says it is a stranger's, is never signalled
        assertTrue(nextAgent.recover(wrongTicks));
        RuntimeFailure refused = assertThrows(RuntimeFailure.class, () -> nextAgent.signal("reused", Signal.KILL));
        assertTrue(refused.getMessage().contains("cannot check its pid"), refused.getMessage());
        assertTrue(live(h.pid()));
    }

    @Test
    void recoverRefusesADeadProcessAndForeignHandles() throws Exception {
        TaskHandle h = start("dead", "true");
        exitOf(runtime, "dead");
        await().atMost(DEADLINE).until(() -> ProcStat.read(h.pid()).isEmpty());

        assertFalse(new ProcessRuntime().recover(withoutSupervisor(h)));
        TaskHandle foreign = new TaskHandle("x", "runc", ProcessHandle.current().pid(), 0, "", Map.of());
        assertFalse(runtime.recover(foreign));
        // The JVM is alive but not a group leader of ours.
        long self = ProcessHandle.current().pid();
        long selfStart = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        assertFalse(runtime.recover(new TaskHandle("x", "process", self, selfStart, "", Map.of())));
    }

    @Test
    void fingerprintIsAvailableOnLinuxWithSetsid() {
        Fingerprint f = runtime.fingerprint();

        assertTrue(f.available(), f.reason());
        assertTrue(f.attributes().keySet().containsAll(List.of("kernel.version", "setsid", "perl", "kill")), f.toString());
        assertFalse(runtime.capabilities().isolation());
        assertFalse(runtime.capabilities().resourceLimits());
        assertTrue(runtime.capabilities().exec());
        assertTrue(runtime.capabilities().recover());
    }

    @Test
    void fingerprintIsUnavailableWithoutPerlToResetSignals() {
        ProcessRuntime noPerl = new ProcessRuntime(Path.of("/usr/bin/setsid"), Path.of("/nonexistent/perl"),
                ProcessGroupSignaller.findKillBinary());
        others.add(noPerl);

        Fingerprint f = noPerl.fingerprint();

        assertFalse(f.available());
        assertTrue(f.reason().contains("perl"), f.reason());
        assertThrows(RuntimeFailure.class, () -> noPerl.start(config("x", Map.of(), null, "true")));
    }

    @Test
    void fingerprintIsUnavailableWithoutSetsid() {
        ProcessRuntime noSetsid = new ProcessRuntime(Path.of("/nonexistent/setsid"), CleanSignals.PERL,
                ProcessGroupSignaller.findKillBinary());
        others.add(noSetsid);

        Fingerprint f = noSetsid.fingerprint();

        assertFalse(f.available());
        assertTrue(f.reason().contains("setsid"), f.reason());
        assertThrows(RuntimeFailure.class, () -> noSetsid.start(config("x", Map.of(), null, "true")));
    }
}
