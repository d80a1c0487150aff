package io.orch.runtime.net;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the network tools (ip, bridge, nft, sysctl) to completion: stdin from a string or
 * /dev/null, stdout and stderr merged, a bounded wait. What every caller needs from a short
 * configuration command, in one place.
 */
public final class ToolProcess {
    /** No network tool call takes this long unless the kernel or the machine is stuck. */
    public static final int TIMEOUT_SECONDS = 20;

    public record Output(int exitCode, String text) {}

    private ToolProcess() {}

    /**
     * @param argv        the full command line
     * @param stdin       fed to the command when not null
     * @param description how errors name the command
     */
    public static Output run(List<String> argv, String stdin, String description) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        try {
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // it stopped reading (it failed early): its exit status and output say why
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(description + " timed out");
            }
            return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted running " + description, e);
        }
    }
}
