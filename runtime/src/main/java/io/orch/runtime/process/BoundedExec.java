package io.orch.runtime.process;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.runtime.ExecResult;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.Signal;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one short command (a health check) as a host process with a deadline and a cap on the
 * output kept. It gets its own process group too, so a timeout kills everything it spawned, not
 * just the shell at its top, and like a task it starts with clean signals ({@link CleanSignals}).
 */
final class BoundedExec {
    static final int MAX_OUTPUT_BYTES = 64 * 1024;
    private static final long READER_JOIN_MILLIS = 2_000;

    private final Path setsid;
    private final Path perl;
    private final ProcessGroupSignaller signaller;

    BoundedExec(Path setsid, Path perl, ProcessGroupSignaller signaller) {
        this.setsid = setsid;
        this.perl = perl;
        this.signaller = signaller;
    }

    ExecResult run(List<String> command, Map<String, String> env, Path workingDir, Duration timeout)
            throws RuntimeFailure {
        List<String> argv = new ArrayList<>();
        argv.add(setsid.toString());
        argv.addAll(CleanSignals.wrap(perl, command));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new RuntimeFailure("exec failed to start: " + e.getMessage(), true, e);
        }
        BoundedCollector out = new BoundedCollector(p.getInputStream());
        Thread reader = DaemonThreads.start("orch-exec-output-" + p.pid(), out);
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                signaller.signal(p.pid(), Signal.KILL);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            // A stray grandchild in another group could hold the pipe open: do not wait for it forever.
            reader.join(READER_JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            signaller.signal(p.pid(), Signal.KILL);
            p.destroyForcibly();
            throw new RuntimeFailure("exec interrupted", true, e);
        }
        int code = timedOut || p.isAlive() ? -1 : p.exitValue();
        return new ExecResult(code, out.text(), timedOut);
    }

    /** Keeps the first MAX_OUTPUT_BYTES and drains (discards) the rest so the child never blocks. */
    private static final class BoundedCollector implements Runnable {
        private final InputStream in;
        // guarded by this: the reader thread writes them, text() may read them while it still runs (join timed out)
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private boolean truncated;

        BoundedCollector(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (this) {
                        int room = MAX_OUTPUT_BYTES - kept.size();
                        kept.write(buf, 0, Math.max(0, Math.min(room, n)));
                        truncated |= n > room;
                    }
                }
            } catch (IOException e) {
                // the process went away; keep what we have
            }
        }

        synchronized String text() {
            String s = kept.toString(StandardCharsets.UTF_8);
            return truncated ? s + "\n[output truncated at " + MAX_OUTPUT_BYTES + " bytes]" : s;
        }
    }
}
