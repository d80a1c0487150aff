package io.orch.runtime.runc;

import io.orch.runtime.TaskConfig;
import io.orch.runtime.logs.LineStamper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The supervisor of one container: a process in its own session that runs
 * {@code runc run --keep} as its child (so runc reaps the container and knows its exit status),
 * stamps the container's stdout and stderr line by line (never pipes to the agent: runc's
 * children inherit them), then writes that status to a file. For a container whose output is
 * kept and that has no terminal, that is one perl process ({@link #PERL_SCRIPT}); otherwise a
 * shell ({@link #SCRIPT}). Because the shim is not the agent and survives it, a container that exits while the agent is down still leaves its exit code, and
 * {@code --keep} leaves its cgroup so an OOM kill can be read afterwards.
 *
 * <p>A container with a terminal ({@code process.terminal}): runc makes its pty and copies it to
 * runc's own stdout, but only when runc itself has a terminal (it puts that one in raw mode, and
 * fails with "open /dev/tty" without one). So runc runs inside a pty made by util-linux
 * {@code script}, whose output goes through the stdout stamper: the task's log is the terminal's
 * raw output (split into records at its newlines), as Docker's for a TTY container. script's
 * stdin is a FIFO opened read-write, which never ends: on the EOF of /dev/null script would type
 * an EOF into the container's terminal.
 *
 * <p>Output that is discarded (LogDriver none: both files are /dev/null) is not stamped.
 */
final class Shim {
    static final String EXIT_FILE = "exitcode";
    static final String PID_FILE = "container.pid";
    /** The shim's own pid: it is started with setsid --fork, so the agent never has it as a child. */
    static final String SHIM_PID_FILE = "shim.pid";
    static final String STDOUT_PIPE = "stdout.pipe";
    static final String STDERR_PIPE = "stderr.pipe";
    static final String TTY_INPUT = "tty.in";
    private static final Path DISCARD = Path.of("/dev/null");

    /**
     * The container's stdout and stderr go through one {@link LineStamper} (in this session, so
     * it outlives the agent as the shim does) into the log files. The exit code is written once
     * both have drained: the container's PID namespace dies with it, so nothing keeps the pipes
     * open. Should the pipes not be made (or $9, the stamper, be empty), the output goes to the
     * files raw. $11 is the command that runs runc: {@code RUN} below, or, for a terminal,
     * {@code script} around it; $12 and $13 the stamper's rotation (max bytes, max files), ${14} its
     * gettimeofday system call number.
     *
     * <p>Every process here is part of each start's cost, so the shell runs no more than it must:
     * the agent removes the old pipes before it starts the shim, and the shim's pid is written in
     * place (one write of a few bytes to an empty file: a reader sees nothing or all of it, and
     * {@link #shimPid} takes nothing as not yet) rather than by a rename, which in dash is another
     * process; the exit file, which the agent learns of by its appearance, is still renamed into place.
     */
    private static final String SCRIPT = "echo $$ > \"$3/" + SHIM_PID_FILE + "\"; o=\"$3/" + STDOUT_PIPE + "\"; e=\"$3/"
            + STDERR_PIPE + "\"; "
            + "if [ -n \"$9\" ] && mkfifo -m 600 \"$o\" \"$e\"; then "
            + "\"$9\" -e \"${10}\" \"${12}\" \"${13}\" \"${14}\" stdout \"$o\" \"$6\" stderr \"$e\" \"$7\" >/dev/null & "
            + "eval \"${11}\" >\"$o\" 2>\"$e\"; c=$?; wait; "
            + "else eval \"${11}\" >>\"$6\" 2>>\"$7\"; c=$?; fi; "
            + "echo $c > \"$8.tmp\" && mv \"$8.tmp\" \"$8\"";
    private static final String RUN = "\"$1\" --root \"$2\" run --keep --bundle \"$3\" --pid-file \"$4\" \"$5\" </dev/null";
    /**
     * script hands its -c string to a new shell, without parameters: the whole runc command line
     * is quoted in Java (${15}). runc's own errors go to the shim's stderr (fd 3 through script), outside the terminal.
     */
    private static final String TTY_RUN = "rm -f \"$3/" + TTY_INPUT + "\"; mkfifo \"$3/" + TTY_INPUT + "\" && "
            + "script -qfec \"${15}\" /dev/null 0<>\"$3/" + TTY_INPUT + "\" 3>&2";

    /**
     * The shim of a container whose output is kept and that has no terminal (the usual case): one
     * perl process that is the supervisor and the {@link LineStamper} both. It writes its pid,
     * forks runc with stdout and stderr on pipes of its own (it is not the agent, and it holds
     * the only read ends), stamps what comes through them until both have ended, then waits for
     * runc and writes the exit status as the shell would report it (128+N for signal N). A sh
     * shim with mkfifo and a stamper beside it ran three processes more per start (sh, mkfifo,
     * mv) for the same work. runc gets the signal dispositions the shim started with: the
     * stamper ignores HUP, INT and PIPE only after the fork. Should no pipe be had, runc writes
     * to the log files raw. Arguments after the stamper's three: "orch-shim" followed by runc, its
     * state root, the bundle, runc's pid file and the container id, as in the sh shim's
     * arguments (how {@link LeftoverSweep} knows a shim), then the stdout and stderr logs, the
     * exit file and the shim's pid file.
     */
    static final String PERL_SCRIPT = LineStamper.scriptWith("""
            my (undef, $runc, $root, $bundle, $pid_file, $id, $out_log, $err_log, $exit_file, $shim_pid_file) = @args;
            open(my $me, '>', $shim_pid_file) or die "orch shim: $shim_pid_file: $!\n";
            print $me "$$\n";
            close($me);
            my ($out_r, $out_w, $err_r, $err_w);
            my $piped = pipe($out_r, $out_w) && pipe($err_r, $err_w);
            my $runc_pid = fork();
            die "orch shim: fork: $!\n" unless defined $runc_pid;
            if ($runc_pid == 0) {
                if ($piped) {
                    open(STDOUT, '>&', $out_w) && open(STDERR, '>&', $err_w) or die "orch shim: dup: $!\n";
                } else {
                    open(STDOUT, '>>', $out_log) && open(STDERR, '>>', $err_log) or die "orch shim: $!\n";
                }
                exec { $runc } $runc, '--root', $root, 'run', '--keep', '--bundle', $bundle, '--pid-file', $pid_file, $id;
                print STDERR "orch shim: cannot run $runc: $!\n";
                exit 127;
            }
            if ($piped) {
                close($out_w);
                close($err_w);
                add_stream({name => 'stdout', in => $out_r, log => $out_log});
                add_stream({name => 'stderr', in => $err_r, log => $err_log});
            }
            """, """
            waitpid($runc_pid, 0);
            my $code = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
            open(my $exit, '>', "$exit_file.tmp") or die "orch shim: $exit_file.tmp: $!\n";
            print $exit "$code\n";
            close($exit) && rename("$exit_file.tmp", $exit_file) or die "orch shim: $exit_file: $!\n";
            """);

    private Shim() {}

    static Process launch(RuncBinary runc, Path bundle, String containerId, Path stdout, Path stderr) throws IOException {
        return launch(runc, bundle, containerId, stdout, stderr, false, TaskConfig.Logs.FILES);
    }

    static Process launch(RuncBinary runc, Path bundle, String containerId, Path stdout, Path stderr, boolean tty,
                          TaskConfig.Logs logs) throws IOException {
        Files.deleteIfExists(bundle.resolve(EXIT_FILE));
        Files.deleteIfExists(bundle.resolve(PID_FILE));
        Files.deleteIfExists(bundle.resolve(SHIM_PID_FILE));
        Files.deleteIfExists(bundle.resolve(STDOUT_PIPE)); // mkfifo makes them new
        Files.deleteIfExists(bundle.resolve(STDERR_PIPE));
        boolean stamped = !(stdout.equals(DISCARD) && stderr.equals(DISCARD));
        if (stamped && !tty) {
            return start(bundle, stderr, List.of("/usr/bin/setsid", "--fork", LineStamper.PERL.toString(), "-e", PERL_SCRIPT,
                    Long.toString(logs.rotation().maxBytes()), Integer.toString(logs.rotation().maxFiles()),
                    Integer.toString(LineStamper.GETTIMEOFDAY), "orch-shim", runc.binary().toString(), runc.stateRoot().toString(),
                    bundle.toString(), bundle.resolve(PID_FILE).toString(), containerId, stdout.toString(), stderr.toString(),
                    bundle.resolve(EXIT_FILE).toString(), bundle.resolve(SHIM_PID_FILE).toString()));
        }
        List<String> argv = new ArrayList<>(List.of("/usr/bin/setsid", "--fork", "/bin/sh", "-c", SCRIPT, "orch-shim",
                runc.binary().toString(), runc.stateRoot().toString(), bundle.toString(), bundle.resolve(PID_FILE).toString(),
                containerId, stdout.toString(), stderr.toString(), bundle.resolve(EXIT_FILE).toString(),
                stamped ? LineStamper.PERL.toString() : "", LineStamper.SCRIPT, tty ? TTY_RUN : RUN,
                Long.toString(logs.rotation().maxBytes()), Integer.toString(logs.rotation().maxFiles()),
                Integer.toString(LineStamper.GETTIMEOFDAY)));
        if (tty) {
            argv.add("exec " + RuncExec.join(List.of(runc.binary().toString(), "--root", runc.stateRoot().toString(), "run",
                    "--keep", "--bundle", bundle.toString(), "--pid-file", bundle.resolve(PID_FILE).toString(), containerId))
                    + " 2>&3 3>&-");
        }
        return start(bundle, stderr, argv);
    }

    /** Starts the shim's forker, setsid (its output discarded, its errors to the stderr log raw). */
    private static Process start(Path bundle, Path stderr, List<String> argv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("SHELL", "/bin/sh"); // script runs its -c command with $SHELL
        return pb.directory(bundle.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .start();
    }

    /** The container's exit status as runc reported it (128+N for signal N), if the shim recorded one. */
    static Optional<Integer> exitCode(Path bundle) {
        try {
            return Optional.of(Integer.parseInt(Files.readString(bundle.resolve(EXIT_FILE)).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The shim's pid, once it has written it (an empty file, just created, is not yet). */
    static Optional<Long> shimPid(Path bundle) {
        Path file = bundle.resolve(SHIM_PID_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** For {@link #provablyGone}: the shim's start time is not known, any process with its pid is taken for it. */
    private static final long ANY_START = Long.MIN_VALUE; // not -1: a start time that could not be read is -1, and proves the pid a stranger

    /**
     * The shim is known to be gone: its /proc entry does not exist, or it is a zombie or a
     * stranger with its pid (another start time, unless {@code startTicks} is {@link #ANY_START}).
     * Never when /proc could not be read (out of file descriptors): that proves nothing.
     */
    static boolean provablyGone(long pid, long startTicks) {
        Path proc = Path.of("/proc", Long.toString(pid));
        if (Files.notExists(proc)) {
            return true;
        }
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f[0].equals("Z") || (startTicks != ANY_START && Long.parseLong(f[19]) != startTicks);
        } catch (java.nio.file.NoSuchFileException e) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The shim has written its pid and is gone (no /proc entry, or a zombie): it will write no
     * more. False while its pid is not known.
     */
    static boolean gone(Path bundle) {
        return shimPid(bundle).map(pid -> provablyGone(pid, ANY_START)).orElse(false);
    }

    /** The container's pid, once runc has created it (runc writes its pid file by renaming: never half written). */
    static Optional<Long> containerPid(Path bundle) {
        Path file = bundle.resolve(PID_FILE);
        if (!Files.exists(file)) {
            return Optional.empty(); // the usual answer while polling: no exception to build
        }
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), to tell a PID reused. */
    static Optional<Long> startTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (f[0].equals("Z")) {
                return Optional.empty(); // a zombie has finished
            }
            return Optional.of(Long.parseLong(f[19]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
