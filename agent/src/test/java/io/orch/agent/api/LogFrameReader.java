package io.orch.agent.api;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Decodes Docker's multiplexed stream the way the docker CLI's stdcopy does, for assertions. */
final class LogFrameReader {
    record Frame(int stream, String payload) {}

    private LogFrameReader() {}

    static List<Frame> decode(byte[] body) {
        List<Frame> frames = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(body);
        while (buf.remaining() > 0) {
            if (buf.remaining() < 8) {
                throw new AssertionError("truncated frame header");
            }
            int stream = buf.get();
            if (buf.get() != 0 || buf.get() != 0 || buf.get() != 0) {
                throw new AssertionError("header bytes 1..3 must be zero");
            }
            int length = buf.getInt();
            byte[] payload = new byte[length];
            buf.get(payload);
            frames.add(new Frame(stream, new String(payload, StandardCharsets.UTF_8)));
        }
        return frames;
    }

    /** The next frame of a live stream; null at its end. */
    static Frame next(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] header = new byte[8];
        int first = data.read();
        if (first < 0) {
            return null;
        }
        header[0] = (byte) first;
        data.readFully(header, 1, 7);
        int length = ByteBuffer.wrap(header, 4, 4).getInt();
        byte[] payload = new byte[length];
        data.readFully(payload);
        return new Frame(header[0], new String(payload, StandardCharsets.UTF_8));
    }
}
