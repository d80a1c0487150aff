package io.orch.agent.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Reads one task output file (stdout.log or stderr.log) line by line from where it last stopped.
 * A trailing line without its newline is held back until the rest arrives (or {@link #drainPartial}).
 * A file that shrank (replaced) is read again from the start. Not thread-safe: one reader owns it.
 */
public final class TaskLogCursor {
    private static final int CHUNK = 64 * 1024;
    private final Path file;
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
        long read = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
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
            return 0; // the task has not started yet (or wrote nothing): nothing to read
        }
        return read;
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
