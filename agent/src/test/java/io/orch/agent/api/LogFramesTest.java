package io.orch.agent.api;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogFramesTest {
    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void aMultiplexedFrameHasTheEightByteHeader() {
        ByteBuf f = LogFrames.frame(LogFrames.STDERR, null, null, "x\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(2, f.getByte(0));
        assertEquals(2, f.getInt(4));
        assertEquals(10, f.readableBytes());
        f.release();
    }

    @Test
    void aTtyLineIsRawWithItsPrefixesButNoHeader() {
        ByteBuf f = LogFrames.frame(LogFrames.RAW, Instant.parse("2026-01-01T00:00:00Z"), "a=b",
                "/dev/pts/0\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("2026-01-01T00:00:00.000000000Z a=b /dev/pts/0\r\n", text(f));
    }
}
