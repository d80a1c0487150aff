package io.orch.agent.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Docker's multiplexed log stream: per line one frame, an 8-byte header
 * {@code [stream (1 stdout, 2 stderr), 0, 0, 0, payload length as big-endian u32]} then the
 * payload: optional timestamp, optional details, the line (with its newline).
 * The CLI's service logs writer needs one whole line per frame.
 */
final class LogFrames {
    static final byte STDOUT = 1;
    static final byte STDERR = 2;
    static final String CONTENT_TYPE = "application/vnd.docker.multiplexed-stream";
    /** A TTY's logs: no headers, the payloads alone. */
    static final String RAW_CONTENT_TYPE = "application/vnd.docker.raw-stream";
    static final byte RAW = 0;
    /** Go's RFC3339NanoFixed, as Docker prints timestamps: always nine fraction digits. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX").withZone(ZoneOffset.UTC);

    private LogFrames() {}

    /** Docker's details of a swarm task, sorted by key as the daemon sorts them. */
    static String details(String nodeId, String serviceId, String taskId) {
        return "com.docker.swarm.node.id=" + nodeId + ",com.docker.swarm.service.id=" + serviceId
                + ",com.docker.swarm.task.id=" + taskId;
    }

    /**
     * @param stream    {@link #STDOUT}, {@link #STDERR}, or {@link #RAW} for the payload without a header
     * @param details   the details prefix or null
     * @param timestamp the line's time or null
     */
    static ByteBuf frame(byte stream, Instant timestamp, String details, byte[] line) {
        byte[] prefix = ((timestamp == null ? "" : TIMESTAMP.format(timestamp) + " ")
                + (details == null ? "" : details + " ")).getBytes(StandardCharsets.UTF_8);
        int length = prefix.length + line.length;
        ByteBuf buf = Unpooled.buffer(8 + length);
        if (stream != RAW) {
            buf.writeByte(stream).writeByte(0).writeByte(0).writeByte(0).writeInt(length);
        }
        buf.writeBytes(prefix).writeBytes(line);
        return buf;
    }
}
