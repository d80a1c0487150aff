package io.orch.api.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes an HTTP/1.1 chunked body (RFC 9112 section 7.1): hex size line (extensions ignored),
 * data, CRLF, ... a zero-size chunk, trailers, an empty line. Docker streams logs, pull progress
 * and event feeds this way, one chunk per message.
 */
public final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long remainingInChunk;
    private boolean done;

    private final boolean endAtClose;

    /** Strict: a connection that closes before the last chunk is an error. */
    public ChunkedInputStream(InputStream in) {
        this(in, false);
    }

    /**
     * @param endAtClose a connection closed between chunks ends the body instead (a followed log
     *                   whose server went away has simply ended)
     */
    public ChunkedInputStream(InputStream in, boolean endAtClose) {
        this.in = in;
        this.endAtClose = endAtClose;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remainingInChunk == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remainingInChunk));
        if (n == -1) {
            throw new EOFException("connection closed inside a chunk");
        }
        remainingInChunk -= n;
        if (remainingInChunk == 0) {
            expectLineEnd();
        }
        return n;
    }

    /** Reads the next chunk's size; false after the last chunk (and its trailers). */
    private boolean nextChunk() throws IOException {
        if (done) {
            return false;
        }
        String line = StreamingResponse.readLine(in);
        if (line == null) {
            if (endAtClose) {
                done = true;
                return false;
            }
            throw new EOFException("connection closed before the last chunk");
        }
        int semicolon = line.indexOf(';');
        String hex = (semicolon >= 0 ? line.substring(0, semicolon) : line).trim();
        try {
            remainingInChunk = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size line: " + line);
        }
        if (remainingInChunk < 0) {
            throw new IOException("bad chunk size line: " + line);
        }
        if (remainingInChunk == 0) {
            for (String trailer = StreamingResponse.readLine(in); trailer != null && !trailer.isEmpty();
                 trailer = StreamingResponse.readLine(in)) {
                // trailers are not used by Docker; skip them
            }
            done = true;
            return false;
        }
        return true;
    }

    private void expectLineEnd() throws IOException {
        String rest = StreamingResponse.readLine(in);
        if (rest == null || !rest.isEmpty()) {
            throw new IOException("chunk not followed by CRLF");
        }
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), remainingInChunk);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
