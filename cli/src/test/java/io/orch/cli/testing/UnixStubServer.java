package io.orch.cli.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A tiny HTTP/1.1 server on a real unix socket, standing in for the agent's Docker API: it
 * records every request and answers from a handler. One request per connection, which is what
 * the CLI does. A handler returning null means "never answer" (for timeout tests).
 */
public final class UnixStubServer implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private volatile Function<RecordedRequest, StubResponse> handler;

    public UnixStubServer(Function<RecordedRequest, StubResponse> handler) throws IOException {
        this.handler = handler;
        this.dir = Files.createTempDirectory("orch-cli-test");
        this.socket = dir.resolve("api.sock");
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(this::acceptLoop, "unix-stub-" + socket);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "unix://" + socket;
    }

    public List<RecordedRequest> requests() {
        return requests;
    }

    public void handler(Function<RecordedRequest, StubResponse> h) {
        this.handler = h;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                open.add(ch);
                serve(ch);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(SocketChannel ch) {
        try {
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch));
            OutputStream out = Channels.newOutputStream(ch);
            RecordedRequest req = readRequest(in);
            if (req == null) { ch.close(); return; }
            requests.add(req);
            StubResponse resp = handler.apply(req);
            if (resp == null) return; // leave the connection hanging
            writeResponse(out, resp);
            ch.close();
            open.remove(ch);
        } catch (IOException ignored) {
            // the client went away
        }
    }

    static RecordedRequest readRequest(InputStream in) throws IOException {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) return null;
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
        }
        int len = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new RecordedRequest(parts[0], parts[1], headers, in.readNBytes(len));
    }

    static void writeResponse(OutputStream out, StubResponse r) throws IOException {
        byte[] body = r.bytes() != null ? r.bytes() : r.body() == null ? new byte[0] : r.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 " + r.status() + " X\r\nContent-Type: application/json\r\nApi-Version: 1.47\r\n");
        if (r.chunked()) head.append("Transfer-Encoding: chunked\r\n"); else head.append("Content-Length: ").append(body.length).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (r.chunked()) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int i = 0; i < body.length; i += 7) {
                int n = Math.min(7, body.length - i);
                chunks.write((Integer.toHexString(n) + ";ext=1\r\n").getBytes(StandardCharsets.US_ASCII));
                chunks.write(body, i, n);
                chunks.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            chunks.write("0\r\nX-Trailer: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(chunks.toByteArray());
        } else {
            out.write(body);
        }
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel ch : open) ch.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }
}
