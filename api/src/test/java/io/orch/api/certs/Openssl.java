package io.orch.api.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs the openssl command line, so tests read files written as docker users' tools write them. */
public final class Openssl {
    private Openssl() {}

    /** Skips the test (with the reason) where no openssl is installed. */
    public static void assumeInstalled() {
        boolean installed;
        try {
            installed = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            installed = false;
        }
        assumeTrue(installed, "the openssl command is not installed");
    }

    /** Runs {@code openssl args...} in {@code dir}; its stdout, or an AssertionError with its output. */
    public static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
