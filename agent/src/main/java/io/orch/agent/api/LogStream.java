package io.orch.agent.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.orch.agent.logs.LineSink;
import io.orch.agent.logs.LogUnavailableException;
import io.orch.agent.logs.TaskFeeds;
import io.orch.agent.logs.TaskLogFeed;
import io.orch.api.proto.LogChunk;
import io.orch.api.proto.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The body of a logs response: the tasks' output as Docker's multiplexed stream, each line's
 * details naming its node, service and task (the CLIs build the {@code name.slot.id@node |}
 * prefix from them). Each task's lines come from a {@link TaskLogFeed}: this node's files, or the
 * node that ran it. Without {@code follow}: task after task, each complete (tail per task and
 * stream). With {@code follow}: the start of every task, then lines as they come, interleaved,
 * picking up tasks that start later, until the client goes away, the service is removed or
 * {@code until} has passed. A task whose logs cannot be read gets one stderr line saying why
 * (as Docker's "Error grabbing logs"), and the others go on.
 *
 * <p>Threads: the first part runs on the API's blocking executor; local polls on a shared
 * scheduler; remote lines arrive on gRPC threads. All of them write under this object's lock.
 */
final class LogStream implements ResponseStream {
    private static final Logger LOG = LoggerFactory.getLogger(LogStream.class);
    static final long POLL_MILLIS = io.orch.agent.logs.LogFollowers.POLL_MILLIS;
    private static final long FLUSH_BYTES = 1024 * 1024;
    private static final long WRITE_WAIT_SECONDS = 30;

    /** The tasks whose logs this stream shows, looked up again on every poll; empty once they are gone for good. */
    @FunctionalInterface
    interface TaskSource {
        Optional<List<Task>> tasks();
    }

    /** Follow pollers currently scheduled (tests check that a client leaving stops its poller). */
    static final AtomicInteger FOLLOWING = new AtomicInteger();

    private final LogOptions options;
    /**
     * A TTY container's logs: raw bytes, no frame headers, as Docker (see {@link #raw()}). Set before
     * the stream is handed to {@link #start}, read under {@code this}.
     */
    private boolean raw;
    private final TaskSource source;
    private final TaskFeeds feeds;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    /**
     * Task id to its feed while following; a failed task stays (feed null) so it is not retried.
     * Guarded by {@code this}.
     */
    private final Map<String, Following> following = new LinkedHashMap<>();
    // guarded by this: the blocking executor, the poller and gRPC threads all come here
    private Channel channel;
    private boolean keepAlive;
    private ScheduledFuture<?> poller;
    private boolean finished;
    private long unflushed;
    /**
     * Only the first part, on the API's blocking executor, may wait for the socket; polls and gRPC
     * threads must not. Guarded by {@code this}.
     */
    private boolean mayWait;
    /**
     * Inside start or poll, which flush once at their end; a remote line arriving alone is flushed
     * at once. Guarded by {@code this}.
     */
    private boolean batching;

    LogStream(LogOptions options, TaskSource source, TaskFeeds feeds, Clock clock, ScheduledExecutorService scheduler) {
        this.options = options;
        this.source = source;
        this.feeds = feeds;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /**
     * For a service or container with a terminal: its output is one stream (the pty), so Docker
     * sends it without the multiplexing headers ({@link LogFrames#RAW_CONTENT_TYPE}).
     */
    LogStream raw() {
        this.raw = true;
        return this;
    }

    @Override
    public synchronized void start(Channel channel, boolean keepAlive) {
        this.channel = channel;
        this.keepAlive = keepAlive;
        List<Task> tasks = source.tasks().orElse(List.of());
        mayWait = true;
        batching = true;
        try {
            if (!options.follow()) {
                for (Task t : tasks) {
                    if (!channel.isActive()) {
                        break;
                    }
                    readAll(t);
                }
                finish();
                return;
            }
            for (Task t : tasks) {
                startFollowing(t);
            }
        } catch (RuntimeException e) {
            LOG.warn("reading task logs failed: {}", e.toString());
            stop();
            channel.close(); // the head is out: a broken stream is the only way to say so
            return;
        } finally {
            mayWait = false;
            batching = false;
        }
        channel.flush();
        poller = scheduler.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        FOLLOWING.incrementAndGet();
        // stop on the scheduler, not on the event loop that reports the close: a poll may hold the lock
        channel.closeFuture().addListener(f -> scheduler.execute(this::stop));
    }

    private void readAll(Task task) {
        String details = details(task);
        try (TaskLogFeed feed = feeds.open(task)) {
            feed.readAll(sink(details), channel::isActive);
        } catch (LogUnavailableException e) {
            error(details, e.getMessage());
        }
    }

    /** A followed task: the details that prefix its lines, and its feed (null once it failed). */
    private static final class Following {
        final String details;
        TaskLogFeed feed; // guarded by the owning LogStream's monitor

        Following(String details) {
            this.details = details;
        }
    }

    private void startFollowing(Task task) {
        Following f = new Following(details(task));
        following.put(task.getId(), f);
        try {
            f.feed = feeds.open(task);
            f.feed.follow(sink(f.details), channel::isWritable, message -> failedLater(task.getId(), message));
        } catch (LogUnavailableException e) {
            f.feed = null;
            error(f.details, e.getMessage());
        }
    }

    private static String details(Task task) {
        return LogFrames.details(task.getNodeId(), task.getServiceId(), task.getId());
    }

    /** Lines of one task; remote ones arrive on gRPC threads, hence the lock here. */
    private LineSink sink(String details) {
        return (stream, time, line) -> {
            synchronized (this) {
                if (finished) {
                    return;
                }
                write(stream == LogChunk.Stream.STDERR ? LogFrames.STDERR : LogFrames.STDOUT, time, details, line);
                if (!batching) {
                    channel.flush();
                    unflushed = 0;
                }
            }
        };
    }

    /** A remote feed broke while following: its error line, and it is not asked again. */
    private synchronized void failedLater(String taskId, String message) {
        Following f = following.get(taskId);
        if (finished || f == null || f.feed == null) {
            return;
        }
        f.feed.close();
        f.feed = null;
        error(f.details, message);
        if (!batching) {
            channel.flush();
        }
    }

    private void error(String details, String message) {
        write(LogFrames.STDERR, clock.instant(), details, ("Error grabbing logs: " + message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte stream, Instant time, String details, byte[] line) {
        ByteBuf frame = LogFrames.frame(raw ? LogFrames.RAW : stream, options.timestamps() ? time : null,
                options.details() ? details : null, line);
        unflushed += frame.readableBytes();
        var written = channel.write(new DefaultHttpContent(frame));
        if (unflushed >= FLUSH_BYTES && mayWait) {
            // the first part of a large log: let the socket take each megabyte before reading the
            // next, so a big file never sits in memory
            channel.flush();
            written.awaitUninterruptibly(WRITE_WAIT_SECONDS, TimeUnit.SECONDS);
            unflushed = 0;
        }
    }

    /** One follow step: new tasks, new local lines, paused remote feeds resumed; skipped while the client is not keeping up. */
    synchronized void poll() {
        if (finished) {
            return;
        }
        if (!channel.isActive()) {
            stop();
            return;
        }
        batching = true;
        try {
            Optional<List<Task>> tasks = source.tasks();
            if (tasks.isEmpty()) {
                finish(); // the service is gone: nothing more will come
                return;
            }
            Instant now = clock.instant();
            if (allDone(now)) {
                finish(); // until has passed everywhere
                return;
            }
            if (!channel.isWritable()) {
                return; // the client reads slower than the tasks write: let the socket drain first
            }
            if (options.until() == null || !now.isAfter(options.until())) {
                for (Task t : tasks.get()) {
                    if (!following.containsKey(t.getId())) {
                        startFollowing(t); // a task started after the request: from its start
                    }
                }
            }
            for (Map.Entry<String, Following> e : new ArrayList<>(following.entrySet())) {
                TaskLogFeed feed = e.getValue().feed;
                if (feed == null) {
                    continue;
                }
                try {
                    feed.poll(now, channel.isWritable());
                } catch (LogUnavailableException ex) {
                    failedLater(e.getKey(), ex.getMessage());
                }
            }
            channel.flush();
            unflushed = 0;
        } catch (RuntimeException e) {
            LOG.warn("following task logs failed; ending the stream: {}", e.toString());
            stop();
            channel.close();
        } finally {
            batching = false;
        }
    }

    private boolean allDone(Instant now) {
        if (options.until() == null || !now.isAfter(options.until())) {
            return false;
        }
        for (Following f : following.values()) {
            if (f.feed != null && !f.feed.done(now)) {
                return false;
            }
        }
        return true;
    }

    /** Ends the body properly (keep-alive connections stay usable). */
    private synchronized void finish() {
        stop();
        var done = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            done.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private synchronized void stop() {
        if (poller != null && !finished) {
            poller.cancel(false);
            FOLLOWING.decrementAndGet();
        }
        finished = true;
        for (Following f : following.values()) {
            if (f.feed != null) {
                f.feed.close();
                f.feed = null;
            }
        }
    }
}
