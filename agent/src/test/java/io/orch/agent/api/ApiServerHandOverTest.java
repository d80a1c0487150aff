package io.orch.agent.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ApiServer#stopListening()}: how a node hands its API addresses to its next API (swarm
 * init, join, leave) while the request that asked is still being answered on the old one.
 */
class ApiServerHandOverTest {
    private final ApiFixture fixture = new ApiFixture();
    private final ApiServer first = new ApiServer(fixture.context);
    private final ApiServer next = new ApiServer(fixture.context);

    @AfterEach
    void close() throws Exception {
        first.close();
        next.close();
        fixture.close();
    }

    @Test
    void anOpenConnectionIsStillServedWhileTheNextServerTakesTheAddress() throws Exception {
        InetSocketAddress bound = first.startTcp("127.0.0.1:0");
        try (Socket open = new Socket(bound.getAddress(), bound.getPort())) {
            open.setSoTimeout(10_000);
            assertTrue(ping(open).startsWith("HTTP/1.1 200"));
            first.stopListening();
            assertThrows(ConnectException.class, () -> new Socket(bound.getAddress(), bound.getPort()).close(),
                    "no new connections once it stopped listening");
            next.startTcp(bound);
            assertTrue(ping(open).startsWith("HTTP/1.1 200"), "the open connection is still answered by the first server");
            try (Socket fresh = new Socket(bound.getAddress(), bound.getPort())) {
                fresh.setSoTimeout(10_000);
                assertTrue(ping(fresh).startsWith("HTTP/1.1 200"), "the next server answers on the same address");
            }
        }
    }

    /** One GET /_ping on a keep-alive connection; returns the status line (the small body is read with it). */
    private static String ping(Socket s) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write("GET /_ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        int length = 0;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            head.append(line).append('\n');
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        assertEquals(length, in.readNBytes(length).length);
        return head.toString();
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
