package io.orch.runtime.runc;

import io.orch.runtime.ExecSpec;
import io.orch.runtime.InteractiveExec;
import io.orch.runtime.RuntimeFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One interactive {@code runc exec}, its stdio on pipes to the agent.
 *
 * <p>With a terminal, runc is run in the foreground with {@code -t}: it then creates the
 * container's pty itself and copies it to its own stdio. To be able to resize that pty, runc's
 * stdio is itself a pty the agent controls, made by util-linux {@code script}: runc puts that
 * outer terminal in raw mode and, on SIGWINCH, copies its size to the container's terminal. A
 * resize is therefore {@code stty -F <outer pty> rows R cols C}, which sets the outer size and
 * makes the kernel send runc the SIGWINCH. The outer pty's name is written by the shell that
 * starts runc (its {@code tty}) before it execs runc.
 */
final class RuncExec implements InteractiveExec {
    private static final Logger log = LoggerFactory.getLogger(RuncExec.class);
    private static final long PID_WAIT_MILLIS = 5_000;

    private final Process process;
    private final Path pidFile;
    private final Path ttyFile;
    private final CompletableFuture<Integer> exit;
    private volatile long pid = -1;

    private RuncExec(Process process, Path pidFile, Path ttyFile) {
        this.process = process;
        this.pidFile = pidFile;
        this.ttyFile = ttyFile;
        this.exit = process.onExit().thenApply(Process::exitValue);
        exit.whenComplete((code, e) -> cleanup());
    }

    /**
     * @param runcArgv {@code runc --root R} (the global part)
     * @param execDir  a directory for this exec's pid (and tty name) files
     * @param user     the resolved "uid:gid", or null for the container's own
     */
    static RuncExec start(List<String> runcArgv, Path execDir, String containerId, ExecSpec spec, String user)
            throws RuntimeFailure {
        Path pidFile;
        Path ttyFile;
        try {
            Files.createDirectories(execDir);
            pidFile = Files.createTempFile(execDir, "exec", ".pid");
            Files.delete(pidFile); // runc refuses to write over an existing pid file
            ttyFile = spec.tty() ? Path.of(pidFile.toString().replace(".pid", ".tty")) : null;
        } catch (IOException e) {
            throw new RuntimeFailure("exec: " + e.getMessage(), true, e);
        }
        List<String> argv = new ArrayList<>(runcArgv);
        argv.add("exec");
        argv.add("--pid-file");
        argv.add(pidFile.toString());
        if (spec.tty()) {
            argv.add("-t");
        }
        for (String e : spec.env()) {
            argv.add("--env");
            argv.add(e);
        }
        if (user != null) {
            argv.add("--user");
            argv.add(user);
        }
        if (!spec.workingDir().isEmpty()) {
            argv.add("--cwd");
            argv.add(spec.workingDir());
        }
        argv.add(containerId);
        argv.addAll(spec.command());
        ProcessBuilder pb;
        if (spec.tty()) {
            String size = spec.rows() > 0 && spec.columns() > 0 ? "stty rows " + spec.rows() + " cols " + spec.columns() + "; " : "";
            String shell = "tty > " + quote(ttyFile.toString()) + "; " + size + "exec " + join(argv);
            pb = new ProcessBuilder("script", "-q", "-f", "-e", "-E", "never", "-c", shell, "/dev/null")
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("SHELL", "/bin/sh");
        } else {
            pb = new ProcessBuilder(argv);
        }
        try {
            return new RuncExec(pb.start(), pidFile, ttyFile);
        } catch (IOException e) {
            throw new RuntimeFailure("exec failed to start: " + e.getMessage(), true, e);
        }
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return ttyFile != null ? InputStream.nullInputStream() : process.getErrorStream();
    }

    /** The exec'd process's host pid, from runc's pid file (read once it is there). */
    @Override
    public long pid() {
        if (pid <= 0 && pidFile != null) {
            try {
                pid = Long.parseLong(Files.readString(pidFile).trim());
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        }
        return pid;
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    @Override
    public void resize(int rows, int columns) throws RuntimeFailure {
        if (ttyFile == null || exit.isDone()) {
            return;
        }
        if (rows <= 0 || columns <= 0) {
            throw new RuntimeFailure("terminal size must be positive: h=" + rows + " w=" + columns, false);
        }
        String tty = awaitTtyName();
        try {
            Process p = new ProcessBuilder("stty", "-F", tty, "rows", Integer.toString(rows), "cols", Integer.toString(columns))
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new RuntimeFailure("resizing the terminal failed: " + new String(out).trim(), true);
            }
        } catch (IOException e) {
            throw new RuntimeFailure("resizing the terminal failed: " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("resize interrupted", true, e);
        }
    }

    /** The outer pty's name, once the shell in it has written it (a resize right after the start waits briefly). */
    private String awaitTtyName() throws RuntimeFailure {
        long deadline = System.currentTimeMillis() + PID_WAIT_MILLIS;
        while (true) {
            try {
                String name = Files.exists(ttyFile) ? Files.readString(ttyFile).trim() : "";
                if (name.startsWith("/dev/")) {
                    return name;
                }
            } catch (IOException e) {
                // not written yet
            }
            if (System.currentTimeMillis() > deadline || exit.isDone()) {
                throw new RuntimeFailure("the exec's terminal is not ready", true);
            }
            try {
                Thread.sleep(20); // polling a file another process writes; bounded by the deadline above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeFailure("resize interrupted", true, e);
            }
        }
    }

    @Override
    public void close() {
        if (!exit.isDone()) {
            long p = pid();
            if (p > 0) {
                ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
            }
            process.destroyForcibly();
        }
        cleanup();
    }

    private void cleanup() {
        try {
            pid(); // keep the pid for exec inspect after the file is gone
            Files.deleteIfExists(pidFile);
            if (ttyFile != null) {
                Files.deleteIfExists(ttyFile);
            }
        } catch (IOException e) {
            log.debug("could not remove the files of an exec: {}", e.toString());
        }
    }

    static String join(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(quote(a));
        }
        return b.toString();
    }

    /** POSIX shell single quoting: every byte literal. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
