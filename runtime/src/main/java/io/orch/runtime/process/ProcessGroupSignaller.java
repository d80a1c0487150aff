package io.orch.runtime.process;

import io.orch.runtime.Signal;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals a whole process group. Java can only signal single processes (ProcessHandle.destroy),
 * but a task's children must die with it, so we shell out to {@code kill -s SIG -- -PGID}
 * (the negative id addresses the group), bounded by a timeout.
 */
final class ProcessGroupSignaller {
    private static final Logger log = LoggerFactory.getLogger(ProcessGroupSignaller.class);
    private static final long KILL_TIMEOUT_SECONDS = 5;

    private final Path killBinary;

    ProcessGroupSignaller(Path killBinary) {
        this.killBinary = killBinary;
    }

    static Optional<Path> findKillBinary() {
        return List.of(Path.of("/bin/kill"), Path.of("/usr/bin/kill")).stream()
                .filter(Files::isExecutable).findFirst();
    }

    /** Returns true when the signal was delivered to at least one member of the group. */
    boolean signal(long pgid, Signal signal) {
        if (pgid <= 1) {
            // -1 would mean "every process we may signal", -0 our own group: never.
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        ProcessBuilder pb = new ProcessBuilder(killBinary.toString(), "-s", Integer.toString(signal.number()), "--", "-" + pgid)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process kill = pb.start();
            if (!kill.waitFor(KILL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                log.warn("kill -s {} -- -{} did not finish within {}s", signal.name(), pgid, KILL_TIMEOUT_SECONDS);
                return false;
            }
            boolean delivered = kill.exitValue() == 0; // non-zero: no such process group (already gone)
            log.debug("kill -s {} -- -{}: {}", signal.name(), pgid, delivered ? "delivered" : "no such group");
            return delivered;
        } catch (IOException e) {
            log.warn("could not run {} to signal process group {}: {}", killBinary, pgid, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
