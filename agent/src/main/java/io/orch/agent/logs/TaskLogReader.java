package io.orch.agent.logs;

import io.orch.api.proto.LogChunk;
import io.orch.runtime.logs.LogRecord;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One task's output files on this node (DATA/tasks/ID/stdout.log, stderr.log), read for a
 * {@link LogQuery}: first what is there ({@link #readExisting}), then, when following, what the
 * files gained since ({@link #readNew}). Not thread-safe: one reader owns it.
 *
 * <p>Times: the runtimes' line stampers write every line as a {@link LogRecord} with the time it
 * was received, so {@code since}/{@code until} keep or drop single lines, and the two streams are
 * merged in time order ({@code tail} counts lines of both together, as Docker's does). Raw lines
 * (files from before the stampers) carry the file's last-modified time, or when followed the
 * time they were read.
 */
public final class TaskLogReader {
    /** Task ids are generated names; anything else (a path) is refused before it touches the disk. */
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    /** Bytes read per stream at a time while merging what is there (bounds the records held). */
    private static final long BATCH_BYTES = 64 * 1024;

    private final LogQuery query;
    private final TaskLogCursor stdout;
    private final TaskLogCursor stderr;

    private TaskLogReader(Path taskDir, LogQuery query) {
        this.query = query;
        this.stdout = new TaskLogCursor(taskDir.resolve("stdout.log"));
        this.stderr = new TaskLogCursor(taskDir.resolve("stderr.log"));
    }

    /** @throws IllegalArgumentException if {@code taskId} is not a task id (it names the directory read) */
    public static TaskLogReader of(Path tasksDir, String taskId, LogQuery query) {
        if (!TASK_ID.matcher(taskId).matches() || taskId.contains("..")) {
            throw new IllegalArgumentException("invalid task id \"" + taskId + "\"");
        }
        return new TaskLogReader(tasksDir.resolve(taskId), query);
    }

    /** One line as read, with its stream. */
    private record Line(LogChunk.Stream stream, LogRecord record) {}

    /** One stream's records, a batch at a time. */
    private final class Source {
        final TaskLogCursor cursor;
        final LogChunk.Stream stream;
        final Instant fallback;
        final Deque<Line> ready = new ArrayDeque<>();
        boolean exhausted;

        Source(TaskLogCursor cursor, LogChunk.Stream stream) {
            this.cursor = cursor;
            this.stream = stream;
            this.fallback = cursor.lastModified();
        }

        Line peek() throws IOException {
            while (ready.isEmpty() && !exhausted) {
                if (cursor.readLines(BATCH_BYTES, this::add) == 0) {
                    exhausted = true;
                    if (!query.follow()) {
                        cursor.drainPartial(this::add); // a last line still without its newline
                    }
                }
            }
            return ready.peekFirst();
        }

        private void add(byte[] raw) {
            ready.addLast(new Line(stream, LogRecord.parse(raw, fallback)));
        }
    }

    /**
     * The last {@code tail} lines of the streams asked for, merged in time order (all for a
     * negative tail; none for 0, only what comes next); without follow also a last line that
     * lacks its newline.
     */
    public void readExisting(LineSink sink) throws IOException {
        List<Source> sources = new ArrayList<>(2);
        if (query.stdout()) {
            sources.add(new Source(stdout, LogChunk.Stream.STDOUT));
        }
        if (query.stderr()) {
            sources.add(new Source(stderr, LogChunk.Stream.STDERR));
        }
        int tail = query.tail();
        if (tail == 0) {
            for (Source s : sources) {
                s.cursor.readAll(line -> { }); // only what comes next
            }
            return;
        }
        Deque<Line> last = new ArrayDeque<>();
        while (true) {
            Source next = null;
            for (Source s : sources) {
                Line head = s.peek();
                if (head != null && (next == null || head.record().time().isBefore(next.ready.peekFirst().record().time()))) {
                    next = s;
                }
            }
            if (next == null) {
                break;
            }
            Line line = next.ready.pollFirst();
            if (!query.admits(line.record().time())) {
                continue;
            }
            if (tail < 0) {
                emit(line, sink);
            } else {
                last.addLast(line);
                if (last.size() > tail) {
                    last.removeFirst();
                }
            }
        }
        for (Line line : last) {
            emit(line, sink);
        }
    }

    /**
     * What the files gained since the last read, at most {@code maxBytes} per stream (so one
     * chatty task does not starve the others), merged in time order; raw lines are timed {@code now}.
     */
    public void readNew(Instant now, long maxBytes, LineSink sink) throws IOException {
        List<Line> lines = new ArrayList<>();
        if (query.stdout()) {
            stdout.readLines(maxBytes, raw -> lines.add(new Line(LogChunk.Stream.STDOUT, LogRecord.parse(raw, now))));
        }
        if (query.stderr()) {
            stderr.readLines(maxBytes, raw -> lines.add(new Line(LogChunk.Stream.STDERR, LogRecord.parse(raw, now))));
        }
        lines.sort((a, b) -> a.record().time().compareTo(b.record().time())); // stable: stdout first on a tie
        for (Line line : lines) {
            if (query.admits(line.record().time())) {
                emit(line, sink);
            }
        }
    }

    private static void emit(Line line, LineSink sink) {
        sink.line(line.stream(), line.record().time(), line.record().content());
    }
}
