package io.orch.cli.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal blocking HTTP/1.1 client: one connection per request ({@code Connection: close}),
 * Content-Length, chunked and read-to-EOF bodies. The JDK's HttpClient cannot speak over unix
 * sockets, and the CLI makes a handful of small requests, so this is all it needs.
 */
public final class HttpClient {
    private static final int MAX_HEADER_LINE = 64 * 1024;
    private final HostAddress address;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    public HttpClient(HostAddress address, Duration connectTimeout, Duration readTimeout) {
        this.address = address;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    public HostAddress address() {
        return address;
    }

    /**
     * @param body JSON bytes or null; a body is always sent with Content-Type application/json
     * @throws AgentUnreachableException when no connection could be made
     * @throws IOException when the connection broke or timed out mid-request
     */
    public HttpResponse send(String method, String pathAndQuery, byte[] body) throws IOException {
        return send(method, pathAndQuery, body, Map.of());
    }

    /** {@link #send(String, String, byte[])} with extra request headers (X-Registry-Auth). */
    public HttpResponse send(String method, String pathAndQuery, byte[] body, Map<String, String> extraHeaders) throws IOException {
        Connection conn;
        try {
            conn = Transports.open(address, connectTimeout, readTimeout);
        } catch (IOException e) {
            throw new AgentUnreachableException(address, e);
        }
        try (conn) {
            writeRequest(conn.output(), method, pathAndQuery, body, extraHeaders);
            return readResponse(new BufferedInputStream(conn.input()), method);
        }
    }

    /**
     * Sends {@code file} as the body (image archives: streamed, never held in memory) and reads
     * the whole answer. No read timeout: the agent answers once it has unpacked the upload.
     */
    public HttpResponse sendFile(String method, String pathAndQuery, Path file, String contentType) throws IOException {
        Connection conn = connect(Duration.ZERO);
        try (conn) {
            long length = Files.size(file);
            String head = method + ' ' + pathAndQuery + " HTTP/1.1\r\n"
                    + "Host: " + address.hostHeader() + "\r\n"
                    + "User-Agent: orch-cli\r\n"
                    + "Accept: application/json\r\n"
                    + "Connection: close\r\n"
                    + "Content-Type: " + contentType + "\r\n"
                    + "Content-Length: " + length + "\r\n\r\n";
            OutputStream out = conn.output();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(out);
            }
            out.flush();
            return readResponse(new BufferedInputStream(conn.input()), method);
        }
    }

    /**
     * Sends a body-less request and hands back the answer as it arrives (logs: possibly endless
     * with follow, so there is no read timeout). The caller closes it, which closes the connection.
     */
    public StreamedResponse open(String method, String pathAndQuery) throws IOException {
        Connection conn = connect(Duration.ZERO);
        try {
            writeRequest(conn.output(), method, pathAndQuery, null, Map.of());
            InputStream in = new BufferedInputStream(conn.input());
            Head head = readHead(in);
            InputStream body;
            if ("chunked".equalsIgnoreCase(head.headers().get("transfer-encoding"))) {
                body = new ChunkedInputStream(in);
            } else if (head.headers().containsKey("content-length")) {
                body = new java.io.ByteArrayInputStream(readExactly(in, Integer.parseInt(head.headers().get("content-length"))));
            } else {
                body = in;
            }
            return new StreamedResponse(head.status(), head.headers(), body, conn);
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    private Connection connect(Duration timeout) throws AgentUnreachableException {
        try {
            return Transports.open(address, connectTimeout, timeout);
        } catch (IOException e) {
            throw new AgentUnreachableException(address, e);
        }
    }

    private void writeRequest(OutputStream out, String method, String path, byte[] body, Map<String, String> extraHeaders) throws IOException {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(address.hostHeader()).append("\r\n")
                .append("User-Agent: orch-cli\r\n")
                .append("Accept: application/json\r\n")
                .append("Connection: close\r\n");
        extraHeaders.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Type: application/json\r\n");
            head.append("Content-Length: ").append(body.length).append("\r\n");
        } else if (method.equals("POST") || method.equals("PUT")) {
            head.append("Content-Length: 0\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (body != null) out.write(body);
        out.flush();
    }

    static HttpResponse readResponse(InputStream in, String method) throws IOException {
        Head head = readHead(in);
        int status = head.status();
        Map<String, String> headers = head.headers();
        byte[] body;
        if (method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = readChunked(in);
        } else if (headers.containsKey("content-length")) {
            body = readExactly(in, Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new HttpResponse(status, headers, body);
    }

    record Head(int status, Map<String, String> headers) {}

    private static Head readHead(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) throw new IOException("connection closed before a response arrived");
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("malformed status line: " + statusLine);
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("malformed status line: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        if (line == null) throw new IOException("connection closed inside the response headers");
        return new Head(status, headers);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) throw new IOException("connection closed inside a chunked body");
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                // trailers, then the empty line
                String trailer;
                while ((trailer = readLine(in)) != null && !trailer.isEmpty()) { /* ignored */ }
                return out.toByteArray();
            }
            out.write(readExactly(in, size));
            if (!"".equals(readLine(in))) throw new IOException("malformed chunk terminator");
        }
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] data = in.readNBytes(n);
        if (data.length != n) throw new IOException("connection closed after " + data.length + " of " + n + " body bytes");
        return data;
    }

    /** A CRLF (or bare LF) terminated ASCII line without its terminator; null at EOF. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            buf.write(b);
            if (buf.size() > MAX_HEADER_LINE) throw new IOException("response line too long");
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
    }
}
