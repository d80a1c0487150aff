package io.orch.cli.client;

import io.orch.api.http.RequestHead;
import io.orch.api.http.StreamingResponse;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal blocking HTTP/1.1 client: one connection per request ({@code Connection: close}),
 * Content-Length, chunked and read-to-EOF bodies, framed by the HTTP/1.1 code it shares with the
 * docker driver ({@code io.orch.api.http}); this class only adds how the CLI connects. The JDK's HttpClient cannot speak over unix
 * sockets, and the CLI makes a handful of small requests, so this is all it needs.
 */
public final class HttpClient {
    private static final String USER_AGENT = "orch-cli";
    private static final Map<String, String> ACCEPT_JSON = Map.of("Accept", "application/json");
    private final HostAddress address;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final ClientTls tls;

    public HttpClient(HostAddress address, Duration connectTimeout, Duration readTimeout) {
        this(address, null, connectTimeout, readTimeout);
    }

    /** @param tls TLS to a tcp address ({@code --tlsverify}), or null */
    public HttpClient(HostAddress address, ClientTls tls, Duration connectTimeout, Duration readTimeout) {
        this.address = address;
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    public HostAddress address() {
        return address;
    }

    /** Whether requests go over TLS ({@code --tlsverify}). */
    public boolean usesTls() {
        return tls != null;
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
            conn = Transports.open(address, tls, connectTimeout, readTimeout);
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
            OutputStream out = conn.output();
            RequestHead.write(out, method, pathAndQuery, address.hostHeader(), USER_AGENT, ACCEPT_JSON, contentType, length);
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
            // a followed log whose agent went away has simply ended
            StreamingResponse r = StreamingResponse.read(new BufferedInputStream(conn.input()), method.equals("HEAD"), true,
                    () -> { });
            return new StreamedResponse(r.status(), r.headers(), r.body(), conn);
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    private Connection connect(Duration timeout) throws AgentUnreachableException {
        try {
            return Transports.open(address, tls, connectTimeout, timeout);
        } catch (IOException e) {
            throw new AgentUnreachableException(address, e);
        }
    }

    private void writeRequest(OutputStream out, String method, String path, byte[] body, Map<String, String> extraHeaders) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(ACCEPT_JSON);
        headers.putAll(extraHeaders);
        RequestHead.write(out, method, path, address.hostHeader(), USER_AGENT, headers,
                body == null ? null : "application/json", body == null ? 0 : body.length);
        if (body != null) out.write(body);
        out.flush();
    }

    static HttpResponse readResponse(InputStream in, String method) throws IOException {
        StreamingResponse r = StreamingResponse.read(in, method.equals("HEAD"), () -> { });
        return new HttpResponse(r.status(), r.headers(), r.body().readAllBytes());
    }
}
