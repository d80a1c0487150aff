package io.orch.agent.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A 100 MB request body through the real server on loopback TCP, sent the way a careless client
 * sends it: the whole body first, the response read afterwards. The client must be able to send
 * it all and then read a 413 with Docker's JSON error, whether the body has a Content-Length or
 * is chunked: no reset while it is still sending.
 */
class OversizedBodyTest {
    private static final long BODY_BYTES = 100L * 1024 * 1024;
    private static final String REFUSAL = "{\"message\":\"request body larger than 16 MiB, the API's limit"
            + " (image uploads excepted)\"}\n";

    private final ApiFixture fixture = new ApiFixture();
    private final ApiServer server = new ApiServer(fixture.context);

    @AfterEach
    void close() throws Exception {
        server.close();
        fixture.close();
    }

    @Test
    void aBodyDeclaredLargerThanTheLimitIsAnsweredWithA413TheClientCanRead() throws Exception {
        InetSocketAddress bound = server.startTcp("127.0.0.1:0");
        try (Socket s = new Socket(bound.getAddress(), bound.getPort())) {
            s.setSoTimeout(30_000);
            CompletableFuture<Void> sent = sendInBackground(s.getOutputStream(), head(bound)
                    + "Content-Length: " + BODY_BYTES + "\r\n\r\n", false);
            RawResponse response = RawResponse.read(s.getInputStream());
            assertEquals(413, response.status(), response.head());
            assertEquals(REFUSAL, response.body());
            sent.get(30, TimeUnit.SECONDS); // the client sent all of its body without a reset
            assertEquals(0, fixture.serviceCount());
        }
    }

    @Test
    void aChunkedBodyThatGrowsPastTheLimitIsAnsweredWithA413TheClientCanRead() throws Exception {
        InetSocketAddress bound = server.startTcp("127.0.0.1:0");
        try (Socket s = new Socket(bound.getAddress(), bound.getPort())) {
            s.setSoTimeout(30_000);
            CompletableFuture<Void> sent = sendInBackground(s.getOutputStream(), head(bound)
                    + "Transfer-Encoding: chunked\r\n\r\n", true);
            RawResponse response = RawResponse.read(s.getInputStream());
            assertEquals(413, response.status(), response.head());
            assertEquals(REFUSAL, response.body());
            sent.get(30, TimeUnit.SECONDS);
        }
    }

    private static String head(InetSocketAddress bound) {
        return "POST /v1.47/services/create HTTP/1.1\r\nHost: 127.0.0.1:" + bound.getPort()
                + "\r\nContent-Type: application/json\r\n";
    }

    /** Writes the head and 100 MB of body on its own thread; fails if the server resets the connection meanwhile. */
    private static CompletableFuture<Void> sendInBackground(OutputStream out, String head, boolean chunked) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[64 * 1024];
                java.util.Arrays.fill(block, (byte) ' ');
                for (long written = 0; written < BODY_BYTES; written += block.length) {
                    if (chunked) {
                        out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(block);
                    if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
                done.complete(null);
            } catch (IOException e) {
                done.completeExceptionally(e);
            }
        }, "oversized-body-writer");
        writer.setDaemon(true);
        writer.start();
        return done;
    }
}
