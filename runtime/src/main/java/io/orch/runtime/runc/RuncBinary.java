package io.orch.runtime.runc;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs short runc sub-commands (state, kill, delete) against our own state root. These never
 * inherit a container's stdio, so reading their output through a pipe is safe (unlike
 * {@code runc run}/{@code create}, whose stdio the container keeps: see {@link Shim}).
 */
final class RuncBinary {
    private static final List<String> SEARCH = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin",
            "/usr/local/bin");
    private final Path binary;
    private final Path stateRoot;

    RuncBinary(Path binary, Path stateRoot) {
        this.binary = binary;
        this.stateRoot = stateRoot;
    }

    static Optional<Path> find() {
        List<String> dirs = new ArrayList<>(SEARCH);
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(0, List.of(path.split(":")));
        }
        return dirs.stream().map(d -> Path.of(d, "runc")).filter(Files::isExecutable).findFirst();
    }

    Path binary() {
        return binary;
    }

    Path stateRoot() {
        return stateRoot;
    }

    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    Result run(String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        argv.add("--root");
        argv.add(stateRoot.toString());
        argv.addAll(List.of(args));
        return exec(argv, 30);
    }

    static Result exec(List<String> argv, int timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv.get(0) + " " + argv.get(argv.size() > 3 ? 3 : argv.size() - 1) + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
    }
}
