package io.orch.runtime.docker;

import io.orch.api.http.StreamingResponse;
import io.orch.runtime.LogFiles;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a container's output from Docker ({@code GET /containers/ID/logs?follow=1}) into the
 * task's stdout.log and stderr.log, appending, so the agent reads Docker tasks' logs exactly as
 * it reads runc's and the process runtime's. Ends when the container ends (Docker closes the
 * stream) or on {@link #cancel}.
 */
final class LogPump {
    private static final Logger log = LoggerFactory.getLogger(LogPump.class);

    private final CountDownLatch done = new CountDownLatch(1);
    private volatile StreamingResponse stream;
    private volatile boolean cancelled;

    private LogPump() {}

    /** Starts copying on {@code executor}; {@code sinceSeconds} is Docker's {@code since} ("0": from the start). */
    static LogPump start(DockerEngine engine, String containerId, LogFiles files, String sinceSeconds, ExecutorService executor) {
        LogPump pump = new LogPump();
        executor.execute(() -> pump.run(engine, containerId, files, sinceSeconds));
        return pump;
    }

    private void run(DockerEngine engine, String containerId, LogFiles files, String since) {
        try (OutputStream out = new FileOutputStream(files.stdout().toFile(), true);
             OutputStream err = new FileOutputStream(files.stderr().toFile(), true)) {
            stream = engine.followLogs(containerId, since);
            if (cancelled) {
                return;
            }
            Path cursor = cursorFile(files);
            try (StreamingResponse r = stream) {
                // the last copied line's time is kept beside the files: a re-attached pump asks
                // Docker for what came after it, so no line is copied twice or lost
                Multiplexed.demuxTimestamped(r.body(), out, err, timestamp -> Files.writeString(cursor, timestamp));
            }
        } catch (IOException e) {
            if (!cancelled) {
                log.debug("logs of container {} stopped: {}", containerId, e.toString());
            }
        } finally {
            StreamingResponse s = stream;
            if (s != null) {
                s.close();
            }
            done.countDown();
        }
    }

    /** Where the timestamp of the last line copied into {@code files} is kept. */
    static Path cursorFile(LogFiles files) {
        return files.stdout().resolveSibling("docker-logs.cursor");
    }

    /**
     * Docker's {@code since} for the lines after the last one copied (1 ns later: Docker's
     * {@code since} includes lines at that very time), or empty when nothing was copied yet.
     */
    static java.util.Optional<String> sinceCursor(LogFiles files) {
        try {
            java.time.Instant last = java.time.Instant.parse(Files.readString(cursorFile(files)).trim()).plusNanos(1);
            return java.util.Optional.of(last.getEpochSecond() + "." + String.format("%09d", last.getNano()));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Waits until everything the container wrote is in the files (the stream ended), at most {@code timeout}. */
    boolean awaitDone(Duration timeout) {
        try {
            return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void cancel() {
        cancelled = true;
        StreamingResponse s = stream;
        if (s != null) {
            s.close();
        }
    }
}
