package io.orch.agent.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import io.orch.runtime.logs.LogRotation;

/**
 * Reads one task output file (stdout.log or stderr.log) line by line from where it last stopped,
 * across rotations ({@link LogRotation}): the first read starts at the oldest rotated file still
 * there, and when the file being read is rotated away (renamed {@code .1}), what it gained
 * before is read from its new name before the new file is started. A file replaced otherwise
 * (max-file 1, or truncated) is read again from the start. A trailing line without its newline
 * is held back until the rest arrives (or {@link #drainPartial}). Not thread-safe: one reader owns it.
 */
public final class TaskLogCursor {
    private static final int CHUNK = 64 * 1024;
    private final Path file;
    /** Rotated files still to read before {@link #file}, oldest first; null until the first read. */
    private Deque<Path> backlog;
    /** The identity (inode) of the file {@link #position} is in, once read. */
    private Object key;
    private long position;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    public TaskLogCursor(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * Hands every complete line (newline included) from the current position to {@code sink},
     * reading at most {@code maxBytes}.
     *
     * @return the number of bytes read (0 when nothing new)
     */
    public long readLines(long maxBytes, Consumer<byte[]> sink) throws IOException {
        if (backlog == null) {
            backlog = new ArrayDeque<>(LogRotation.rotatedFiles(file));
        }
        long read = 0;
        while (!backlog.isEmpty() && read < maxBytes) {
            long n = readFrom(backlog.peekFirst(), position, maxBytes - read, sink);
            read += n;
            if (n == 0 || read < maxBytes) {
                backlog.pollFirst(); // read to its end (or gone): on to the next
                position = 0;
            }
        }
        if (read >= maxBytes) {
            return read;
        }
        Object now = keyOf(file);
        if (now == null) {
            return read; // the task has not started yet (or wrote nothing), or a rotation is under way
        }
        if (key != null && !key.equals(now)) {
            Path previous = LogRotation.rotated(file, 1);
            if (key.equals(keyOf(previous))) {
                read += readFrom(previous, position, Long.MAX_VALUE, sink); // the rest of the file rotated away
            }
            position = 0;
        }
        key = now;
        return read + readFrom(file, position, maxBytes - read, sink);
    }

    /** Reads {@code file} from {@code from} to its end or {@code maxBytes}, advancing {@link #position}. */
    private long readFrom(Path f, long from, long maxBytes, Consumer<byte[]> sink) throws IOException {
        long read = 0;
        position = from;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            if (ch.size() < position) {
                position = 0; // the file was replaced or truncated: start over
                partial.reset();
            }
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            while (read < maxBytes) {
                buf.clear();
                int n = ch.read(buf, position);
                if (n <= 0) {
                    break;
                }
                position += n;
                read += n;
                byte[] bytes = buf.array();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (bytes[i] == '\n') {
                        partial.write(bytes, start, i + 1 - start);
                        sink.accept(partial.toByteArray());
                        partial.reset();
                        start = i + 1;
                    }
                }
                partial.write(bytes, start, n - start);
            }
        } catch (NoSuchFileException e) {
            return read;
        }
        return read;
    }

    private static Object keyOf(Path f) {
        try {
            return Files.readAttributes(f, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Everything there is, as above. */
    public void readAll(Consumer<byte[]> sink) throws IOException {
        while (readLines(Long.MAX_VALUE, sink) > 0) {
            // until the end of the file
        }
    }

    /** The held-back last line, completed with a newline, when a non-following reader is done. */
    public void drainPartial(Consumer<byte[]> sink) {
        if (partial.size() > 0) {
            partial.write('\n');
            sink.accept(partial.toByteArray());
            partial.reset();
        }
    }

    /** When the file last changed: the best timestamp there is for lines written before we looked. */
    public java.time.Instant lastModified() {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return java.time.Instant.EPOCH;
        }
    }
}
