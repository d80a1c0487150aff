package io.orch.agent.api;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The timeouts on the real server and real sockets, shortened: a slow head, an idle connection, a long stream. */
class ConnectionTimeoutsSocketTest {
    private static final Duration HEAD = Duration.ofMillis(300);
    private static final Duration IDLE = Duration.ofMillis(300);

    private final CompletableFuture<Channel> streaming = new CompletableFuture<>();
    private final ApiServer server;

    ConnectionTimeoutsSocketTest() {
        Router router = new Router()
                .get("/_ping", r -> ApiResponse.empty(HttpResponseStatus.OK))
                .get("/stream", r -> ApiResponse.streaming(HttpResponseStatus.OK, "text/plain", (channel, keepAlive) -> {
                    channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("first\n", StandardCharsets.UTF_8)));
                    streaming.complete(channel);
                }));
        ApiHandler handler = new ApiHandler(router, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "test");
        server = new ApiServer(handler, null, ApiLimits.DEFAULTS.withTimeouts(HEAD, IDLE));
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void anUnfinishedHeadIsAnswered408AndClosed() throws Exception {
        InetSocketAddress bound = server.startTcp("127.0.0.1:0");
        try (Socket s = new Socket(bound.getAddress(), bound.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /_ping HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            RawResponse response = RawResponse.read(s.getInputStream());
            assertEquals(408, response.status());
            assertEquals("{\"message\":\"request head not received within 300 ms\"}\n", response.body());
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterItsAnswer() throws Exception {
        InetSocketAddress bound = server.startTcp("127.0.0.1:0");
        try (Socket s = new Socket(bound.getAddress(), bound.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /_ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertEquals(200, RawResponse.read(s.getInputStream()).status());
            assertEquals(-1, s.getInputStream().read(), "closed by the server, not by the read timeout");
        }
    }

    @Test
    void aStreamOutlivesManyIdleTimeoutsAndTheConnectionIdlesOutAfterIt() throws Exception {
        InetSocketAddress bound = server.startTcp("127.0.0.1:0");
        try (Socket s = new Socket(bound.getAddress(), bound.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String head = readUntil(in, "first\n");
            assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
            Channel channel = streaming.get(10, TimeUnit.SECONDS);
            await().during(IDLE.multipliedBy(4)).atMost(IDLE.multipliedBy(8)).until(channel::isActive);
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            readUntil(in, "0\r\n\r\n");
            assertEquals(-1, in.read(), "idle after the stream's end");
        }
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder read = new StringBuilder();
        while (!read.toString().endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + read);
            }
            read.append((char) b);
        }
        return read.toString();
    }
}
