package io.orch.packaging.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The host's processes as /proc shows them. Process-runtime tasks run in their own session and
 * outlive a killed agent, so tests find them here: by their working directory (a task runs in
 * {@code <data-dir>/tasks/<task-id>}) or by their command line.
 */
final class HostProcesses {
    /** @param cwd the working directory, or null when it cannot be read (exited, or not ours) */
    record Proc(long pid, List<String> argv, Path cwd) {
        boolean alive() {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        /** The task id, when the process runs in {@code <data-dir>/tasks/<task-id>}. */
        Optional<String> taskId(Path dataDir) {
            Path tasks = dataDir.resolve("tasks");
            if (cwd == null || !cwd.startsWith(tasks) || cwd.getNameCount() <= tasks.getNameCount()) {
                return Optional.empty();
            }
            return Optional.of(cwd.getName(tasks.getNameCount()).toString());
        }
    }

    private HostProcesses() {}

    static List<Proc> all() {
        List<Proc> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                read(dir).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return out;
    }

    private static Optional<Proc> read(Path dir) {
        try {
            byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
            if (raw.length == 0) {
                return Optional.empty(); // a kernel thread or a zombie
            }
            List<String> argv = Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
            Path cwd;
            try {
                cwd = Files.readSymbolicLink(dir.resolve("cwd"));
            } catch (IOException e) {
                cwd = null;
            }
            return Optional.of(new Proc(Long.parseLong(dir.getFileName().toString()), argv, cwd));
        } catch (IOException e) {
            return Optional.empty(); // exited while we looked
        }
    }

    /** Processes whose working directory is {@code dir} or below it. */
    static List<Proc> under(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return all().stream().filter(p -> p.cwd() != null && p.cwd().startsWith(abs)).toList();
    }

    /** Processes whose command line is exactly {@code argv}. */
    static List<Proc> withArgv(List<String> argv) {
        return all().stream().filter(p -> p.argv().equals(argv)).toList();
    }

    /** SIGKILL for every process that runs under {@code dir}: the leftovers of agents the test killed. */
    static int killUnder(Path dir) {
        int n = 0;
        for (Proc p : under(dir)) {
            if (ProcessHandle.of(p.pid()).map(ProcessHandle::destroyForcibly).orElse(false)) {
                n++;
            }
        }
        return n;
    }

    /** Sends a signal by name (STOP, CONT, KILL) to one process. */
    static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -" + signal + " " + pid + ": " + out.strip());
            }
        } catch (IOException e) {
            throw new AssertionError("kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
