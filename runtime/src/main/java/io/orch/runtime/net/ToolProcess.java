package io.orch.runtime.net;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short host command (ip, bridge, nft, sysctl, mount, umount, cp) to completion: stdin
 * from a string or /dev/null, stdout and stderr merged and bounded, a bounded wait. The output
 * is drained on its own thread so that neither a chatty command (a full pipe) nor a hung one (an
 * open pipe) can hold the caller past the timeout.
 */
public final class ToolProcess {
    /** No network tool call takes this long unless the kernel or the machine is stuck. */
    public static final int TIMEOUT_SECONDS = 20;
    /** Enough for any error message; the rest of a runaway output is dropped. */
    static final int MAX_OUTPUT_BYTES = 64 * 1024;

    public record Output(int exitCode, String text) {}

    private ToolProcess() {}

    /**
     * @param argv        the full command line
     * @param stdin       fed to the command when not null
     * @param description how errors name the command
     */
    public static Output run(List<String> argv, String stdin, String description) throws IOException {
        return run(argv, stdin, description, TIMEOUT_SECONDS);
    }

    public static Output run(List<String> argv, String stdin, String description, long timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process p = pb.start();
        BoundedDrain drain = new BoundedDrain(p.getInputStream());
        Thread reader = new Thread(drain, "tool-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // it stopped reading (it failed early): its exit status and output say why
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(description + " timed out after " + timeoutSeconds + " s");
            }
            // a child it left behind may still hold the pipe open: do not wait for it forever
            reader.join(TimeUnit.SECONDS.toMillis(1));
            return new Output(p.exitValue(), drain.text());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted running " + description, e);
        }
    }

    /** Reads a stream to its end, keeping the first {@link #MAX_OUTPUT_BYTES}. */
    private static final class BoundedDrain implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        BoundedDrain(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (kept) {
                        kept.write(buffer, 0, Math.max(0, Math.min(n, MAX_OUTPUT_BYTES - kept.size())));
                    }
                }
            } catch (IOException e) {
                // the process was destroyed: what was read is what there is
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8).trim();
            }
        }
    }
}
