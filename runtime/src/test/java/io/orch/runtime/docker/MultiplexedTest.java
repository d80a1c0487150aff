package io.orch.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultiplexedTest {
    @Test
    void demultiplexesStdoutAndStderrFrames() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        frame(stream, 1, "out 1\n");
        frame(stream, 2, "err 1\n");
        frame(stream, 1, "out 2\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Multiplexed.demux(new ByteArrayInputStream(stream.toByteArray()), out, err);
        assertEquals("out 1\nout 2\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("err 1\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aTruncatedFrameIsAnError() {
        byte[] cut = {1, 0, 0, 0, 0, 0, 0, 10, 'a', 'b'};
        assertThrows(IOException.class, () -> Multiplexed.demux(new ByteArrayInputStream(cut),
                new ByteArrayOutputStream(), new ByteArrayOutputStream()));
    }

    private static void frame(ByteArrayOutputStream s, int stream, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        s.write(stream);
        s.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, (byte) payload.length});
        s.writeBytes(payload);
    }
}
