package io.orch.cli.client;

import java.io.IOException;
import java.io.InputStream;

/** The payload of an HTTP/1.1 chunked body, read incrementally (a followed log has no end). */
final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;
    private boolean done;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!nextChunk()) return -1;
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) throw new IOException("connection closed inside a chunk");
        remaining -= n;
        if (remaining == 0) {
            String end = HttpClient.readLine(in);
            if (!"".equals(end)) throw new IOException("malformed chunk terminator");
        }
        return n;
    }

    /** True when there are payload bytes to read; reads the next chunk's size line when needed. */
    private boolean nextChunk() throws IOException {
        if (done) return false;
        if (remaining > 0) return true;
        String sizeLine = HttpClient.readLine(in);
        if (sizeLine == null) {
            done = true; // the agent went away: treat as the end of the stream
            return false;
        }
        int semi = sizeLine.indexOf(';');
        remaining = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (remaining == 0) {
            String trailer;
            while ((trailer = HttpClient.readLine(in)) != null && !trailer.isEmpty()) { /* ignored */ }
            done = true;
            return false;
        }
        return true;
    }
}
