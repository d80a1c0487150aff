package io.orch.api.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP/1.1 response read from a stream: status, headers (lower-cased names) and a body stream
 * that ends where the message ends (Content-Length, chunked, or the connection closing).
 * Closing it closes the connection. The one response parser of orch's HTTP clients (the CLI's
 * to the agent, the docker driver's to dockerd), so both frame bodies the same way; JDK only.
 */
public final class StreamingResponse implements AutoCloseable {
    private static final int MAX_HEAD_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 200;

    private final int status;
    private final Map<String, String> headers;
    private final InputStream body;
    private final Runnable onClose;

    private StreamingResponse(int status, Map<String, String> headers, InputStream body, Runnable onClose) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.onClose = onClose;
    }

    /** Reads the status line and headers; the body is left in the stream for the caller. */
    public static StreamingResponse read(InputStream in, boolean headRequest, Runnable onClose) throws IOException {
        return read(in, headRequest, false, onClose);
    }

    /**
     * @param endAtClose a chunked body whose connection closes between chunks ends there instead
     *                   of failing ({@link ChunkedInputStream#ChunkedInputStream(InputStream, boolean)})
     */
    public static StreamingResponse read(InputStream in, boolean headRequest, boolean endAtClose, Runnable onClose)
            throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + (statusLine == null ? "connection closed" : statusLine));
        }
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("bad HTTP status line: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0 && headers.size() < MAX_HEADERS) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return new StreamingResponse(status, headers, body(in, status, headers, headRequest, endAtClose), onClose);
    }

    private static InputStream body(InputStream in, int status, Map<String, String> headers, boolean headRequest,
                                    boolean endAtClose)
            throws IOException {
        if (headRequest || status == 204 || status == 304 || (status >= 100 && status < 200 && status != 101)) {
            return InputStream.nullInputStream();
        }
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedInputStream(in, endAtClose);
        }
        String length = headers.get("content-length");
        if (length != null) {
            try {
                return new FixedLengthInputStream(in, Long.parseLong(length));
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length: " + length);
            }
        }
        return in; // until the connection closes (Docker's hijacked streams)
    }

    /** A CRLF- (or LF-) terminated line in ISO-8859-1, without its terminator; null at end of stream. */
    public static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_HEAD_LINE) {
                throw new IOException("HTTP line longer than " + MAX_HEAD_LINE + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    public int status() {
        return status;
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** All headers, by lower-case name. */
    public Map<String, String> headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public InputStream body() {
        return body;
    }

    /** The whole body (for small JSON answers), then closes. */
    public byte[] readAll() throws IOException {
        try (this) {
            return body.readAllBytes();
        }
    }

    @Override
    public void close() {
        onClose.run();
    }

    /** A body of Content-Length bytes. */
    public static final class FixedLengthInputStream extends FilterInputStream {
        private long remaining;

        private final long length;

        public FixedLengthInputStream(InputStream in, long length) {
            super(in);
            this.remaining = length;
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n == -1) {
                throw new EOFException("connection closed after " + (length - remaining) + " of " + length + " body bytes");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }
    }
}
