package io.orch.agent.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many idle connections from one client through the real server: those over the cap are closed at once. */
class ConnectionCapsSocketTest {
    private final ApiFixture fixture = new ApiFixture();
    private ApiServer server;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        fixture.close();
    }

    /** Whether a ping on this connection is answered (false: the server closed it). */
    private static boolean served(InputStream in, OutputStream out) {
        try {
            out.write("GET /_ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return RawResponse.read(in).status() == 200;
        } catch (IOException e) {
            return false; // closed (EOF) or reset
        }
    }

    private boolean tcpServed(InetSocketAddress at) throws IOException {
        Socket s = new Socket(at.getAddress(), at.getPort());
        s.setSoTimeout(10_000);
        open.add(s);
        return served(s.getInputStream(), s.getOutputStream());
    }

    @Test
    void oneAddressGetsTwoHundredFiftySixConnectionsWithTheDefaults() throws Exception {
        server = new ApiServer(fixture.context);
        InetSocketAddress at = server.startTcp("127.0.0.1:0");
        int served = 0;
        for (int i = 0; i < 300; i++) {
            if (tcpServed(at)) {
                served++;
            }
        }
        assertEquals(ApiLimits.MAX_CONNECTIONS_PER_ADDRESS, served);
    }

    @Test
    void aSlotFreesWhenOneOfTheClientsConnectionsCloses() throws Exception {
        server = new ApiServer(new ApiHandler(fixture.context), null, ApiLimits.DEFAULTS.withConnectionCaps(3, 2));
        InetSocketAddress at = server.startTcp("127.0.0.1:0");
        for (int i = 0; i < 3; i++) {
            assertTrue(tcpServed(at));
        }
        assertFalse(tcpServed(at));
        ((Socket) open.get(0)).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> tcpServed(at));
    }

    @Test
    void theUnixSocketHasACapForAllItsClients(@TempDir Path dir) throws Exception {
        server = new ApiServer(new ApiHandler(fixture.context), null, ApiLimits.DEFAULTS.withConnectionCaps(3, 2));
        Path socket = dir.resolve("orch.sock");
        server.startUnix(socket);
        boolean[] served = new boolean[3];
        for (int i = 0; i < 3; i++) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            open.add(ch);
            ch.connect(UnixDomainSocketAddress.of(socket));
            served[i] = served(Channels.newInputStream(ch), Channels.newOutputStream(ch));
        }
        assertTrue(served[0] && served[1]);
        assertFalse(served[2]);
    }
}
