package io.orch.packaging;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the packaged bin/orch as a separate process, as an operator would. */
final class Dist {
    static final Path HOME = Path.of(System.getProperty("orch.dist", "target/orch")).toAbsolutePath();
    static final Path BIN = HOME.resolve("bin/orch");

    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.isBlank() ? List.of() : List.of(err.strip().split("\n"));
        }
    }

    private Dist() {}

    /** Runs `orch ARGS...` to completion (bounded), capturing stdout and stderr. */
    static Result run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(BIN.toString());
        cmd.addAll(args);
        Path out = Files.createTempFile("orch-out", ".txt");
        Path err = Files.createTempFile("orch-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("orch " + args + " did not finish within 120 s");
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(List.of(args));
    }

    /** A TCP port that is free now, with {@code extra} more free ports after it. */
    static int freePorts(int extra) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket s = new ServerSocket(0)) {
                base = s.getLocalPort();
            }
            if (base + extra > 65535) {
                continue;
            }
            boolean ok = true;
            for (int i = 1; i <= extra && ok; i++) {
                try (ServerSocket s = new ServerSocket(base + i)) {
                    ok = true;
                } catch (IOException e) {
                    ok = false;
                }
            }
            if (ok) {
                return base;
            }
        }
        throw new IOException("no free port range found");
    }
}
