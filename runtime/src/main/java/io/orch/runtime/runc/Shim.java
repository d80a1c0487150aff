package io.orch.runtime.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The supervisor of one container: a host shell in its own session that runs
 * {@code runc run --keep} in the foreground (so runc reaps the container and knows its exit
 * status), with the container's stdio on the task's log files (never pipes: runc's children
 * inherit them), then writes that status to a file. Because the shell is not the agent and
 * survives it, a container that exits while the agent is down still leaves its exit code, and
 * {@code --keep} leaves its cgroup so an OOM kill can be read afterwards.
 *
 * <p>A container with a terminal ({@code process.terminal}): runc makes its pty and copies it to
 * runc's own stdout, but only when runc itself has a terminal (it puts that one in raw mode, and
 * fails with "open /dev/tty" without one). So runc runs inside a pty made by util-linux
 * {@code script}, whose output is appended to the stdout log: the task's log is the terminal's
 * raw output, as Docker's for a TTY container. script's stdin is a FIFO opened read-write, which
 * never ends: on the EOF of /dev/null script would type an EOF into the container's terminal.
 */
final class Shim {
    static final String EXIT_FILE = "exitcode";
    static final String PID_FILE = "container.pid";
    private static final String SCRIPT = "\"$1\" --root \"$2\" run --keep --bundle \"$3\" --pid-file \"$4\" \"$5\" "
            + "</dev/null >>\"$6\" 2>>\"$7\"; echo $? > \"$8.tmp\" && mv \"$8.tmp\" \"$8\"";

    static final String TTY_INPUT = "tty.in";
    /** $9: the whole runc command line, quoted in Java (script hands its -c string to a new shell, without parameters). */
    private static final String TTY_SCRIPT = "rm -f \"$3/" + TTY_INPUT + "\"; mkfifo \"$3/" + TTY_INPUT + "\" && "
            + "script -qfec \"$9\" /dev/null 0<>\"$3/" + TTY_INPUT + "\" >>\"$6\"; "
            + "echo $? > \"$8.tmp\" && mv \"$8.tmp\" \"$8\"";

    private Shim() {}

    static Process launch(RuncBinary runc, Path bundle, String containerId, Path stdout, Path stderr) throws IOException {
        return launch(runc, bundle, containerId, stdout, stderr, false);
    }

    static Process launch(RuncBinary runc, Path bundle, String containerId, Path stdout, Path stderr, boolean tty)
            throws IOException {
        Files.deleteIfExists(bundle.resolve(EXIT_FILE));
        Files.deleteIfExists(bundle.resolve(PID_FILE));
        List<String> argv = new ArrayList<>(List.of("/usr/bin/setsid", "/bin/sh", "-c", tty ? TTY_SCRIPT : SCRIPT, "orch-shim",
                runc.binary().toString(), runc.stateRoot().toString(), bundle.toString(), bundle.resolve(PID_FILE).toString(),
                containerId, stdout.toString(), stderr.toString(), bundle.resolve(EXIT_FILE).toString()));
        if (tty) {
            argv.add("exec " + RuncExec.join(List.of(runc.binary().toString(), "--root", runc.stateRoot().toString(), "run",
                    "--keep", "--bundle", bundle.toString(), "--pid-file", bundle.resolve(PID_FILE).toString(), containerId))
                    + " 2>>" + RuncExec.quote(stderr.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().put("SHELL", "/bin/sh"); // the shell script runs its command with
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
