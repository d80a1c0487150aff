package io.orch.runtime.net;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.TaskConfig.PublishedPort;
import io.orch.runtime.TaskConfig.PublishedPort.Protocol;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The port proxy as a real process, forwarding to echo servers on loopback (no root needed). */
class PortProxyTest {
    @TempDir
    Path dir;
    final List<PortProxyProcess.Running> started = new ArrayList<>();
    final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        started.forEach(r -> PortProxyProcess.stop(r.pid(), r.startMillis()));
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    private PortProxyProcess.Running proxy(PublishedPort... ports) throws IOException {
        PortProxyProcess.Running r = PortProxyProcess.start(List.of(ports), "127.0.0.1", dir, dir.resolve("exitcode"));
        started.add(r);
        return r;
    }

    /** An upstream that answers each connection with "echo:" and what it read until EOF. */
    private int tcpEcho() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    byte[] in = s.getInputStream().readAllBytes();
                    s.getOutputStream().write(("echo:" + new String(in, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private static String roundTrip(int port, String message) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void tcpIsForwardedWithHalfCloseAndPortZeroGetsAFreePort() throws IOException {
        int upstream = tcpEcho();
        PortProxyProcess.Running r = proxy(new PublishedPort(Protocol.TCP, upstream, 21460),
                new PublishedPort(Protocol.TCP, upstream, 0));
        assertEquals(21460, r.ports().get(0).published());
        int any = r.ports().get(1).published();
        assertTrue(any > 0 && any != 21460, "bound a free port: " + any);
        assertEquals("echo:hello", roundTrip(21460, "hello"));
        assertEquals("echo:again", roundTrip(any, "again"));
        assertTrue(PortProxyProcess.alive(r.pid(), r.startMillis()));
    }

    @Test
    void udpDatagramsAreForwardedAndRepliesComeBack() throws IOException {
        DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        servers.add(echo);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[1500];
            while (!echo.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    echo.receive(p);
                    byte[] reply = ("echo:" + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                    echo.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException e) {
                    // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy(new PublishedPort(Protocol.UDP, echo.getLocalPort(), 21461));
        try (DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(5000);
            byte[] msg = "ping".getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), 21461));
            DatagramPacket reply = new DatagramPacket(new byte[100], 100);
            client.receive(reply);
            assertEquals("echo:ping", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aTakenPortFailsNamingThePort() throws IOException {
        ServerSocket squatter = new ServerSocket(21462);
        servers.add(squatter);
        PortProxyProcess.PortUnavailable e = assertThrows(PortProxyProcess.PortUnavailable.class,
                () -> proxy(new PublishedPort(Protocol.TCP, 80, 21462)));
        assertTrue(e.getMessage().contains("21462/tcp") && e.getMessage().contains("in use"), e.getMessage());
    }

    @Test
    void theProxyEndsWhenTheContainersExitIsRecordedAndFreesThePort() throws IOException {
        int upstream = tcpEcho();
        PortProxyProcess.Running r = proxy(new PublishedPort(Protocol.TCP, upstream, 21463));
        Files.writeString(dir.resolve("exitcode"), "0\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> !PortProxyProcess.alive(r.pid(), r.startMillis()));
        try (ServerSocket again = new ServerSocket(21463)) {
            assertFalse(again.isClosed(), "the port is free again");
        }
    }

    @Test
    void stopEndsTheProxyAndIgnoresAPidThatIsNotItAnymore() throws IOException {
        int upstream = tcpEcho();
        PortProxyProcess.Running r = proxy(new PublishedPort(Protocol.TCP, upstream, 21464));
        PortProxyProcess.stop(r.pid(), r.startMillis() + 1); // a different process start time: not ours
        assertTrue(PortProxyProcess.alive(r.pid(), r.startMillis()));
        PortProxyProcess.stop(r.pid(), r.startMillis());
        assertFalse(PortProxyProcess.alive(r.pid(), r.startMillis()));
    }
}
