package io.orch.agent.api;

import io.orch.api.concurrent.DaemonThreads;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.orch.api.json.DockerJson;
import io.orch.runtime.image.ImageException;
import io.orch.runtime.image.registry.ImagePuller;
import io.orch.runtime.image.registry.PullProgress;
import io.orch.runtime.image.registry.RegistryException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code docker pull} as Docker answers it: a JSON message stream written while the pull runs
 * (status per layer, "Downloading" with {@code progressDetail} {current, total}). The pull runs
 * on a pull thread; the request waits until the registry has resolved the reference, so that
 * an unknown image is still a plain 404 (moby answers errors that come before any output as the
 * status code), then streams each message as its own chunk as it is reported.
 */
final class PullStream {
    /** Pulls that run at once on this node; more wait their turn (each holds connections and disk). */
    static final int MAX_PULLS = 4;
    /** Progress messages waiting for a slow client; beyond this, byte-progress updates are dropped (statuses never are). */
    static final int MAX_QUEUED = 4096;
    private static final ExecutorService PULLS = Executors.newFixedThreadPool(MAX_PULLS, DaemonThreads.factory("orch-image-pull"));
    private static final String END = "";

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final CountDownLatch resolved = new CountDownLatch(1);
    private volatile Exception earlyFailure;
    private volatile boolean started;

    /**
     * Starts pulling {@code ref}; returns once the registry has answered for the reference.
     *
     * @throws RegistryException, ImageException, IOException what failed before the first layer was known
     */
    static PullStream start(ImagePuller puller, String ref) throws Exception {
        PullStream s = new PullStream();
        PULLS.execute(() -> s.run(puller, ref));
        s.resolved.await();
        if (s.earlyFailure != null) {
            throw s.earlyFailure;
        }
        return s;
    }

    private void run(ImagePuller puller, String ref) {
        PullProgress progress = new PullProgress() {
            @Override
            public void report(String status, String id) {
                enqueue(statusLine(status, id), true);
                if (!status.startsWith("Pulling from")) {
                    started = true; // the manifest is known: from here on failures go into the stream
                    resolved.countDown();
                }
            }

            @Override
            public void downloading(String id, long current, long total) {
                enqueue(downloadingLine(id, current, total), false);
            }
        };
        try {
            puller.pull(ref, progress);
        } catch (ImageException | IOException | RuntimeException e) {
            if (!started) {
                earlyFailure = e;
            } else {
                enqueue(ImageRoutes.errorLine(message(ref, e)), true);
            }
        } finally {
            lines.add(END);
            resolved.countDown();
        }
    }

    private static String message(String ref, Exception e) {
        return e instanceof IOException && !(e instanceof java.io.InterruptedIOException)
                ? "pulling " + ref + " failed: " + e.getMessage() : e.getMessage();
    }

    private void enqueue(String line, boolean always) {
        if (always || lines.size() < MAX_QUEUED) {
            lines.add(line);
        }
    }

    /** Writes the messages to {@code channel} as they come, each flushed, then ends the body. */
    ResponseStream response() {
        return (channel, keepAlive) -> {
            try {
                while (true) {
                    String line = lines.poll(10, TimeUnit.MINUTES);
                    if (line == null || line.equals(END)) {
                        break;
                    }
                    write(channel, line);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            var done = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                done.addListener(ChannelFutureListener.CLOSE);
            }
        };
    }

    private static void write(Channel channel, String line) {
        if (channel.isActive()) {
            channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(line, StandardCharsets.UTF_8)));
        }
    }

    static String statusLine(String status, String id) {
        ObjectNode line = DockerJson.MAPPER.createObjectNode().put("status", status);
        if (!id.isEmpty()) {
            line.put("id", id);
        }
        return line + "\r\n";
    }

    /** Docker's "Downloading" message: progressDetail for the CLI's bar, progress as text for plain output. */
    static String downloadingLine(String id, long current, long total) {
        ObjectNode line = DockerJson.MAPPER.createObjectNode().put("status", "Downloading");
        ObjectNode detail = line.putObject("progressDetail").put("current", current);
        if (total > 0) {
            detail.put("total", total);
        }
        line.put("progress", total > 0 ? human(current) + "/" + human(total) : human(current));
        line.put("id", id);
        return line + "\r\n";
    }

    private static String human(long bytes) {
        if (bytes < 1000) {
            return bytes + "B";
        }
        double v = bytes;
        String[] units = {"kB", "MB", "GB", "TB"};
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.3g%s", v, units[u]);
    }
}
