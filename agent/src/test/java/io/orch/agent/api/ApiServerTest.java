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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real server on a real unix socket and real loopback TCP, two requests per connection. */
class ApiServerTest {
    private final ApiFixture fixture = new ApiFixture();
    private final ApiServer server = new ApiServer(fixture.context);

    @AfterEach
    void close() throws Exception {
        server.close();
        fixture.close();
    }

    @Test
    void servesKeepAliveRequestsOnAUnixSocket(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("run/orch/orch.sock");
        Files.createDirectories(socket.getParent());
        server.startUnix(socket);
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            exchangeTwice(Channels.newInputStream(ch), Channels.newOutputStream(ch));
        }
        server.close();
        assertFalse(Files.exists(socket), "the socket file is removed on shutdown");
    }

    @Test
    void replacesAStaleSocketFile(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("orch.sock");
        try (ApiServer first = new ApiServer(fixture.context)) {
            first.startUnix(socket);
        }
        // simulate a crash: a socket file nobody listens on
        try (var ch = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        server.startUnix(socket);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            exchangeTwice(Channels.newInputStream(ch), Channels.newOutputStream(ch));
        }
    }

    @Test
    void servesKeepAliveRequestsOnLoopbackTcp() throws Exception {
        InetSocketAddress bound = server.startTcp("127.0.0.1:0");
        assertTrue(bound.getPort() > 0);
        try (Socket s = new Socket(bound.getAddress(), bound.getPort())) {
            s.setSoTimeout(10_000);
            exchangeTwice(s.getInputStream(), s.getOutputStream());
        }
    }

    /**
     * What a web page can send to a loopback port without anyone's leave: a cross-site POST of a
     * JSON-looking text/plain body that would start a service, and the same through a name
     * rebound to 127.0.0.1. Neither changes anything; the CLI's own request still works.
     */
    @Test
    void aWebPageCannotCreateAServiceThroughLoopbackTcp() throws Exception {
        InetSocketAddress bound = server.startTcp("127.0.0.1:0");
        String spec = "{\"Name\":\"pwn\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Command\":[\"id\"]}}}";
        String host = "127.0.0.1:" + bound.getPort();

        RawResponse crossSite = send(bound, "POST /v1.47/services/create HTTP/1.1\r\nHost: " + host
                + "\r\nOrigin: http://evil.example\r\nSec-Fetch-Site: cross-site\r\nContent-Type: text/plain;charset=UTF-8\r\n", spec);
        assertEquals(403, crossSite.status(), crossSite.body());
        assertTrue(crossSite.body().contains("cross-site request refused"), crossSite.body());

        RawResponse plainText = send(bound, "POST /v1.47/services/create HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Type: text/plain\r\n", spec);
        assertEquals(400, plainText.status(), plainText.body());
        assertEquals("{\"message\":\"Content-Type specified (text/plain) must be 'application/json'\"}\n", plainText.body());

        RawResponse rebound = send(bound, "POST /v1.47/services/create HTTP/1.1\r\nHost: evil.example:" + bound.getPort()
                + "\r\nContent-Type: application/json\r\n", spec);
        assertEquals(403, rebound.status(), rebound.body());
        assertEquals(0, fixture.serviceCount(), "nothing was created");

        RawResponse cli = send(bound, "POST /v1.47/services/create HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Type: application/json\r\n", spec);
        assertEquals(201, cli.status(), cli.body());
        assertEquals(1, fixture.serviceCount());
    }

    private static RawResponse send(InetSocketAddress to, String head, String body) throws IOException {
        try (Socket s = new Socket(to.getAddress(), to.getPort())) {
            s.setSoTimeout(10_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write((head + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            return RawResponse.read(s.getInputStream());
        }
    }

    @Test
    void refusesPlainHttpOffLoopback() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server.startTcp("0.0.0.0:2375"));
        assertEquals("--api-addr 0.0.0.0:2375: plain HTTP is only allowed on a loopback address (add --tlsverify to serve TLS with client certificates)", e.getMessage());
    }

    /** Two requests on one connection: a ping, then a JSON call, both read by Content-Length. */
    private static void exchangeTwice(InputStream in, OutputStream out) throws IOException {
        out.write(("HEAD /_ping HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        RawResponse ping = RawResponse.read(in);
        assertEquals(200, ping.status());
        assertTrue(ping.head().contains("api-version: 1.47"), ping.head());
        assertTrue(ping.head().contains("content-length: 0"), ping.head());

        out.write(("GET /v1.47/services HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        RawResponse services = RawResponse.read(in);
        assertEquals(200, services.status());
        assertEquals("[]", services.body());
    }
}
