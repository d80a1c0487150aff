package io.orch.runtime.docker;

import io.orch.api.http.StreamingResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.orch.runtime.ExecResult;
import io.orch.runtime.RuntimeFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Runs a command in a running container (health checks) with Docker's exec API: create, start
 * attached (output until it ends), then its exit code. On timeout the exec'd process is killed
 * through the host pid Docker reports, as the runc runtime does.
 */
final class DockerExec {
    private DockerExec() {}

    static ExecResult run(DockerEngine engine, String containerId, List<String> command, Duration timeout, int maxOutput)
            throws RuntimeFailure {
        String execId;
        try {
            execId = engine.createExec(containerId, command);
        } catch (IOException e) {
            throw new RuntimeFailure("exec failed to start: " + e.getMessage(), !(e instanceof DockerEngine.ApiException), e);
        }
        BoundedOutput output = new BoundedOutput(maxOutput);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean timedOut = false;
        try (StreamingResponse r = engine.startExec(execId, timeout)) {
            Multiplexed.demux(r.body(), output, output);
        } catch (IOException e) {
            timedOut = System.nanoTime() >= deadline;
            if (!timedOut) {
                throw new RuntimeFailure("exec failed: " + e.getMessage(), true, e);
            }
        }
        try {
            JsonNode state = engine.inspectExec(execId);
            if (timedOut || state.path("Running").asBoolean(false)) {
                long pid = state.path("Pid").asLong(0);
                if (pid > 0) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
                return new ExecResult(-1, output.text(), true);
            }
            return new ExecResult(state.path("ExitCode").asInt(-1), output.text(), false);
        } catch (IOException e) {
            throw new RuntimeFailure("exec result unknown: " + e.getMessage(), true, e);
        }
    }

    /** Keeps the first {@code max} bytes of stdout and stderr together, and notes what was cut. */
    private static final class BoundedOutput extends OutputStream {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final int max;
        private boolean truncated;

        BoundedOutput(int max) {
            this.max = max;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int room = max - kept.size();
            kept.write(b, off, Math.min(room, len));
            truncated |= len > room;
        }

        String text() {
            String s = kept.toString(StandardCharsets.UTF_8);
            return truncated ? s + "\n[output truncated at " + max + " bytes]" : s;
        }
    }
}
