package io.orch.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short host command (mount, umount) to its end: bounded in time, no input, its output
 * kept for the error. For the things Java cannot do itself.
 */
public final class HostCommand {
    private static final long TIMEOUT_SECONDS = 60;

    private HostCommand() {}

    /** @throws IOException naming the command and its exit status and output when it fails or times out */
    public static void run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + ": interrupted");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv.subList(0, Math.min(2, argv.size()))) + " failed (exit "
                    + p.exitValue() + "): " + out);
        }
    }
}
