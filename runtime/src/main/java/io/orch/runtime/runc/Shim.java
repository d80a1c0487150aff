package io.orch.runtime.runc;

import io.orch.runtime.logs.LineStamper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The supervisor of one container: a host shell in its own session that runs
 * {@code runc run --keep} in the foreground (so runc reaps the container and knows its exit
 * status), with the container's stdout and stderr on named pipes read by two line stampers of the
 * shim's own (never pipes to the agent: runc's children inherit them), then writes that status
 * to a file. Because the shell is not the agent and
 * survives it, a container that exits while the agent is down still leaves its exit code, and
 * {@code --keep} leaves its cgroup so an OOM kill can be read afterwards.
 */
final class Shim {
    static final String EXIT_FILE = "exitcode";
    static final String PID_FILE = "container.pid";
    static final String STDOUT_PIPE = "stdout.pipe";
    static final String STDERR_PIPE = "stderr.pipe";
    /**
     * The container's stdout and stderr go through a {@link LineStamper} each (in this session, so
     * they outlive the agent as the shim does) into the log files. The exit code is written once
     * both have drained: the container's PID namespace dies with it, so nothing keeps the pipes
     * open. Should the pipes not be made, the output goes to the files raw, as before.
     */
    private static final String SCRIPT = "o=\"$3/" + STDOUT_PIPE + "\"; e=\"$3/" + STDERR_PIPE + "\"; rm -f \"$o\" \"$e\"; "
            + "if mkfifo -m 600 \"$o\" \"$e\"; then "
            + "\"$9\" -e \"${10}\" stdout \"$o\" \"$6\" >/dev/null & "
            + "\"$9\" -e \"${10}\" stderr \"$e\" \"$7\" >/dev/null & "
            + "\"$1\" --root \"$2\" run --keep --bundle \"$3\" --pid-file \"$4\" \"$5\" </dev/null >\"$o\" 2>\"$e\"; c=$?; wait; "
            + "else \"$1\" --root \"$2\" run --keep --bundle \"$3\" --pid-file \"$4\" \"$5\" </dev/null >>\"$6\" 2>>\"$7\"; c=$?; fi; "
            + "echo $c > \"$8.tmp\" && mv \"$8.tmp\" \"$8\"";

    private Shim() {}

    static Process launch(RuncBinary runc, Path bundle, String containerId, Path stdout, Path stderr) throws IOException {
        Files.deleteIfExists(bundle.resolve(EXIT_FILE));
        Files.deleteIfExists(bundle.resolve(PID_FILE));
        List<String> argv = List.of("/usr/bin/setsid", "/bin/sh", "-c", SCRIPT, "orch-shim", runc.binary().toString(),
                runc.stateRoot().toString(), bundle.toString(), bundle.resolve(PID_FILE).toString(), containerId,
                stdout.toString(), stderr.toString(), bundle.resolve(EXIT_FILE).toString(),
                LineStamper.PERL.toString(), LineStamper.SCRIPT);
        return new ProcessBuilder(argv).directory(bundle.toFile())
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
