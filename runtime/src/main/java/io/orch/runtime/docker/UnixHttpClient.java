package io.orch.runtime.docker;

import io.orch.api.concurrent.DaemonThreads;
import io.orch.api.http.RequestHead;
import io.orch.api.http.StreamingResponse;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.1 client over a unix domain socket (JDK 16+ {@link UnixDomainSocketAddress}),
 * framing requests and responses with the code it shares with the CLI ({@code io.orch.api.http}):
 * one connection per request ({@code Connection: close}), blocking. Enough for the Docker Engine
 * API: fixed-length, chunked and read-to-close bodies, long-lived streams (logs, wait), and a
 * per-request deadline that closes the socket (a channel read has no timeout of its own).
 */
final class UnixHttpClient implements AutoCloseable {
    private final Path socket;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("orch-docker-deadlines"));

    UnixHttpClient(Path socket) {
        this.socket = socket;
    }

    Path socket() {
        return socket;
    }

    /** A request body: its media type, its length and where its bytes come from. */
    record Body(String contentType, long length, BodySource source) {
        static Body json(byte[] bytes) {
            return new Body("application/json", bytes.length, out -> out.write(bytes));
        }
    }

    @FunctionalInterface
    interface BodySource {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Sends a request and returns once the response head is read; the caller reads and closes the
     * body. {@code timeout} bounds the whole exchange (head and body); null for none (streams).
     */
    StreamingResponse send(String method, String target, Body body, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        ScheduledFuture<?> deadline = timeout == null ? null
                : deadlines.schedule(() -> closeQuietly(channel), timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            RequestHead.write(out, method, target, "docker", "orch", Map.of(),
                    body == null ? null : body.contentType(), body == null ? 0 : body.length());
            if (body != null) {
                body.source().writeTo(out);
            }
            out.flush();
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024);
            return StreamingResponse.read(in, method.equals("HEAD"), () -> {
                if (deadline != null) {
                    deadline.cancel(false);
                }
                closeQuietly(channel);
            });
        } catch (IOException | RuntimeException e) {
            boolean expired = deadline != null && !deadline.cancel(false);
            closeQuietly(channel);
            if (expired) {
                throw new IOException(method + " " + target + " timed out after " + timeout.toMillis() + " ms", e);
            }
            throw e;
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }
}
