package io.orch.runtime.docker;

import io.orch.runtime.logs.LogRecord;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Docker's multiplexed stdout/stderr stream (logs and exec of a container without a TTY): frames
 * of an 8-byte header (stream: 1 stdout, 2 stderr; three zero bytes; big-endian payload size)
 * and the payload.
 */
final class Multiplexed {
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    private Multiplexed() {}

    /** Told each frame's timestamp after the frame is written. */
    interface Written {
        void frame(String timestamp) throws IOException;
    }

    /**
     * Copies every frame of a stream asked with {@code timestamps=1} to {@code stdout} or
     * {@code stderr} as a {@link LogRecord} timed by Docker (flushed per frame), until the stream ends, and
     * tells {@code written} each frame's timestamp once the frame is in the file.
     */
    static void demuxTimestamped(InputStream in, OutputStream stdout, OutputStream stderr, Written written) throws IOException {
        byte[] header = new byte[8];
        while (true) {
            int got = in.readNBytes(header, 0, 8);
            if (got == 0) {
                return;
            }
            if (got < 8) {
                throw new EOFException("stream ended inside a frame header");
            }
            long size = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            if (size > MAX_FRAME) {
                throw new IOException("frame of " + size + " bytes: not a multiplexed stream");
            }
            byte[] frame = in.readNBytes((int) size);
            if (frame.length < size) {
                throw new EOFException("stream ended inside a frame");
            }
            int space = 0;
            while (space < frame.length && frame[space] != ' ') {
                space++;
            }
            OutputStream target = header[0] == 2 ? stderr : stdout;
            int from = Math.min(space + 1, frame.length);
            String timestamp = new String(frame, 0, space, java.nio.charset.StandardCharsets.US_ASCII);
            target.write(record(timestamp, header[0] == 2 ? "stderr" : "stdout", java.util.Arrays.copyOfRange(frame, from, frame.length)));
            target.flush();
            written.frame(timestamp);
        }
    }

    /** The line as a log record with Docker's own time for it (raw should the time not parse). */
    private static byte[] record(String timestamp, String stream, byte[] content) {
        try {
            boolean partial = content.length == 0 || content[content.length - 1] != '\n';
            return LogRecord.format(java.time.Instant.parse(timestamp), stream, content, partial);
        } catch (java.time.format.DateTimeParseException e) {
            return content;
        }
    }

    /** Copies every frame to {@code stdout} or {@code stderr} (flushed per frame) until the stream ends. */
    static void demux(InputStream in, OutputStream stdout, OutputStream stderr) throws IOException {
        byte[] header = new byte[8];
        byte[] buf = new byte[16 * 1024];
        while (true) {
            int got = in.readNBytes(header, 0, 8);
            if (got == 0) {
                return;
            }
            if (got < 8) {
                throw new EOFException("stream ended inside a frame header");
            }
            long size = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8) | (header[7] & 0xff);
            if (size > MAX_FRAME) {
                throw new IOException("frame of " + size + " bytes: not a multiplexed stream");
            }
            OutputStream target = header[0] == 2 ? stderr : stdout;
            long left = size;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n == -1) {
                    throw new EOFException("stream ended inside a frame");
                }
                target.write(buf, 0, n);
                left -= n;
            }
            target.flush();
        }
    }
}
