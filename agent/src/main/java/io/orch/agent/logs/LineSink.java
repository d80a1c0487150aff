package io.orch.agent.logs;

import io.orch.api.proto.LogChunk;

import java.time.Instant;

/** Where a reader hands one task's lines. */
@FunctionalInterface
public interface LineSink {
    /**
     * @param time when the line was written, as well as it is known (see {@link LogChunk#getTimestamp()})
     * @param line one whole line, its newline included
     */
    void line(LogChunk.Stream stream, Instant time, byte[] line);
}
