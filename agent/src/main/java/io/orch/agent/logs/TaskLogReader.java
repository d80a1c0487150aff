package io.orch.agent.logs;

import io.orch.api.proto.LogChunk;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * One task's output files on this node (DATA/tasks/ID/stdout.log, stderr.log), read for a
 * {@link LogQuery}: first what is there ({@link #readExisting}), then, when following, what the
 * files gained since ({@link #readNew}). Not thread-safe: one reader owns it.
 *
 * <p>Times: the runtimes write raw lines, so the lines already in a file all carry the file's
 * last-modified time, and lines read while following the time they were read. {@code since} and
 * {@code until} therefore keep or drop a file's existing lines as a whole.
 */
public final class TaskLogReader {
    /** Task ids are generated names; anything else (a path) is refused before it touches the disk. */
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

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

    /** The last {@code tail} lines of each stream asked for; without follow also a last line that lacks its newline. */
    public void readExisting(LineSink sink) throws IOException {
        if (query.stdout()) {
            readExisting(stdout, LogChunk.Stream.STDOUT, sink);
        }
        if (query.stderr()) {
            readExisting(stderr, LogChunk.Stream.STDERR, sink);
        }
    }

    private void readExisting(TaskLogCursor cursor, LogChunk.Stream stream, LineSink sink) throws IOException {
        Instant time = cursor.lastModified();
        int tail = query.admits(time) ? query.tail() : 0; // outside the window: skip what is there
        if (tail == 0) {
            cursor.readAll(line -> { }); // only what comes next
            return;
        }
        Deque<byte[]> last = new ArrayDeque<>();
        java.util.function.Consumer<byte[]> keep = line -> {
            if (tail < 0) {
                sink.line(stream, time, line);
                return;
            }
            last.addLast(line);
            if (last.size() > tail) {
                last.removeFirst();
            }
        };
        cursor.readAll(keep);
        if (!query.follow()) {
            cursor.drainPartial(keep);
        }
        last.forEach(line -> sink.line(stream, time, line));
    }

    /**
     * What the files gained since the last read, at most {@code maxBytes} per stream (so one
     * chatty task does not starve the others), timed {@code now}.
     */
    public void readNew(Instant now, long maxBytes, LineSink sink) throws IOException {
        boolean admitted = query.admits(now);
        if (query.stdout()) {
            stdout.readLines(maxBytes, line -> {
                if (admitted) {
                    sink.line(LogChunk.Stream.STDOUT, now, line);
                }
            });
        }
        if (query.stderr()) {
            stderr.readLines(maxBytes, line -> {
                if (admitted) {
                    sink.line(LogChunk.Stream.STDERR, now, line);
                }
            });
        }
    }
}
