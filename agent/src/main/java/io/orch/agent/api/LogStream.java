package io.orch.agent.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.orch.api.proto.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The body of a logs response: the task output files of this node as Docker's multiplexed
 * stream. First what is there (the last {@code tail} lines per task and stream), then, with
 * {@code follow}, a poller on a shared scheduler reads what the files gained every
 * {@link #POLL_MILLIS} ms, picking up tasks that start later, until the client goes away (or the
 * service is removed). Nothing here blocks a Netty event loop: the first part runs on the API's
 * blocking executor, the polls on the scheduler, and writes are handed to the channel.
 *
 * <p>Timestamps: the runtimes write raw lines without times, so {@code timestamps=1} is best
 * effort: lines read while following carry the time they were read (within one poll of when they
 * were written); lines that were already in a file carry the file's last-modified time.
 */
final class LogStream implements ResponseStream {
    private static final Logger LOG = LoggerFactory.getLogger(LogStream.class);
    static final long POLL_MILLIS = 200;
    /** Per poll and file: keeps one chatty task from starving the others or flooding the channel. */
    private static final long MAX_BYTES_PER_POLL = 1024 * 1024;

    /** The tasks whose logs this stream shows, looked up again on every poll; empty once they are gone for good. */
    @FunctionalInterface
    interface TaskSource {
        Optional<List<Task>> tasks();
    }

    /** Follow pollers currently scheduled (tests check that a client leaving stops its poller). */
    static final java.util.concurrent.atomic.AtomicInteger FOLLOWING = new java.util.concurrent.atomic.AtomicInteger();

    private static final long FLUSH_BYTES = 1024 * 1024;
    private static final long WRITE_WAIT_SECONDS = 30;

    private final LogOptions options;
    private final TaskSource source;
    private final Path tasksDir;
    private final String nodeId;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, TaskLogs> logs = new LinkedHashMap<>();
    private Channel channel;
    private boolean keepAlive;
    private ScheduledFuture<?> poller;
    private boolean finished;
    private long unflushed;
    /** Polls run on the shared scheduler and must not wait on a slow client; they bound themselves per poll instead. */
    private boolean inPoll;

    LogStream(LogOptions options, TaskSource source, Path tasksDir, String nodeId, Clock clock, ScheduledExecutorService scheduler) {
        this.options = options;
        this.source = source;
        this.tasksDir = tasksDir;
        this.nodeId = nodeId;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /** One task's two files and the details that prefix its lines. */
    private final class TaskLogs {
        final String details;
        final TaskLogCursor stdout;
        final TaskLogCursor stderr;

        TaskLogs(Task task) {
            Path dir = tasksDir.resolve(task.getId());
            this.details = LogFrames.details(nodeId, task.getServiceId(), task.getId());
            this.stdout = new TaskLogCursor(dir.resolve("stdout.log"));
            this.stderr = new TaskLogCursor(dir.resolve("stderr.log"));
        }
    }

    @Override
    public synchronized void start(Channel channel, boolean keepAlive) {
        this.channel = channel;
        this.keepAlive = keepAlive;
        List<Task> tasks = source.tasks().orElse(List.of());
        try {
            for (Task t : tasks) {
                TaskLogs tl = new TaskLogs(t);
                logs.put(t.getId(), tl);
                if (options.stdout()) {
                    writeExisting(tl.stdout, LogFrames.STDOUT, tl.details);
                }
                if (options.stderr()) {
                    writeExisting(tl.stderr, LogFrames.STDERR, tl.details);
                }
            }
        } catch (IOException e) {
            LOG.warn("reading task logs failed: {}", e.toString());
            channel.close(); // the head is out: a broken stream is the only way to say so
            return;
        }
        channel.flush();
        if (!options.follow()) {
            finish();
            return;
        }
        poller = scheduler.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        FOLLOWING.incrementAndGet();
        // stop on the scheduler, not on the event loop that reports the close: a poll may hold the lock
        channel.closeFuture().addListener(f -> scheduler.execute(this::stop));
    }

    /** The tail of what a file holds now; without follow also a last line that lacks its newline. */
    private void writeExisting(TaskLogCursor cursor, byte stream, String details) throws IOException {
        Instant time = options.timestamps() ? cursor.lastModified() : null;
        if (options.tail() < 0) {
            cursor.readAll(line -> write(stream, time, details, line));
        } else if (options.tail() > 0) {
            Deque<byte[]> last = new ArrayDeque<>();
            cursor.readAll(line -> {
                last.addLast(line);
                if (last.size() > options.tail()) {
                    last.removeFirst();
                }
            });
            if (!options.follow()) {
                cursor.drainPartial(line -> {
                    last.addLast(line);
                    if (last.size() > options.tail()) {
                        last.removeFirst();
                    }
                });
            }
            last.forEach(line -> write(stream, time, details, line));
            return;
        } else {
            cursor.readAll(line -> { }); // tail=0: only what comes next
            return;
        }
        if (!options.follow()) {
            cursor.drainPartial(line -> write(stream, time, details, line));
        }
    }

    private void write(byte stream, Instant time, String details, byte[] line) {
        ByteBuf frame = LogFrames.frame(stream, time, options.details() ? details : null, line);
        unflushed += frame.readableBytes();
        var written = channel.write(new DefaultHttpContent(frame));
        if (unflushed >= FLUSH_BYTES && !inPoll) {
            // the first part of a large log runs on the API's blocking executor: let the socket
            // take each megabyte before reading the next, so a big file never sits in memory
            channel.flush();
            written.awaitUninterruptibly(WRITE_WAIT_SECONDS, TimeUnit.SECONDS);
            unflushed = 0;
        }
    }

    /** One follow step: new tasks, new lines; skipped while the client is not keeping up. */
    synchronized void poll() {
        if (finished) {
            return;
        }
        if (!channel.isActive()) {
            stop();
            return;
        }
        if (!channel.isWritable()) {
            return; // the client reads slower than the tasks write: let the socket drain first
        }
        inPoll = true;
        try {
            Optional<List<Task>> tasks = source.tasks();
            if (tasks.isEmpty()) {
                finish(); // the service is gone: nothing more will come
                return;
            }
            for (Task t : tasks.get()) {
                logs.computeIfAbsent(t.getId(), id -> new TaskLogs(t)); // a task started after the request: from its start
            }
            Instant now = options.timestamps() ? clock.instant() : null;
            for (TaskLogs tl : new ArrayList<>(logs.values())) {
                if (options.stdout()) {
                    tl.stdout.readLines(MAX_BYTES_PER_POLL, line -> write(LogFrames.STDOUT, now, tl.details, line));
                }
                if (options.stderr()) {
                    tl.stderr.readLines(MAX_BYTES_PER_POLL, line -> write(LogFrames.STDERR, now, tl.details, line));
                }
            }
            channel.flush();
        } catch (IOException | RuntimeException e) {
            LOG.warn("following task logs failed; ending the stream: {}", e.toString());
            stop();
            channel.close();
        } finally {
            inPoll = false;
        }
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
    }
}
