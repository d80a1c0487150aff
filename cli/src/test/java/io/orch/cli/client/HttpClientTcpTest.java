package io.orch.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The same client over plain TCP, against the JDK's HTTP server. */
class HttpClientTcpTest {
    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] reqBody = ex.getRequestBody().readAllBytes();
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery())
                    + " " + ex.getRequestHeaders().getFirst("Content-Type") + " " + new String(reqBody, StandardCharsets.UTF_8));
            String path = ex.getRequestURI().getPath();
            byte[] body;
            int status = 200;
            long length;
            if (path.endsWith("/version")) {
                body = "{\"Version\":\"0.1.0\",\"ApiVersion\":\"1.47\"}".getBytes(StandardCharsets.UTF_8);
                length = 0; // 0 = chunked in com.sun.net.httpserver
            } else if (path.endsWith("/missing")) {
                body = "{\"message\":\"no such thing\"}".getBytes(StandardCharsets.UTF_8);
                status = 404;
                length = body.length;
            } else {
                body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                length = body.length;
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private DockerApi api() {
        return new DockerApi(new HttpClient(HostAddress.parse("tcp://127.0.0.1:" + server.getAddress().getPort()),
                Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @Test
    void readsAChunkedResponse() {
        assertEquals("0.1.0", api().version().path("Version").asText());
        assertEquals("GET /v1.47/version null ", seen.get(0));
    }

    @Test
    void postsJsonAndReadsAFixedLengthResponse() {
        api().updateService("w6pj", 11, io.orch.cli.testing.Fixtures.parse("{\"Name\":\"web\"}"));
        assertEquals("POST /v1.47/services/w6pj/update?version=11 application/json {\"Name\":\"web\"}", seen.get(0));
    }

    @Test
    void errorsCarryTheMessage() {
        ApiException e = assertThrows(ApiException.class, () -> api().get("/missing"));
        assertEquals("Error response from daemon: no such thing", e.line());
    }

    @Test
    void aClosedPortIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HostAddress a = HostAddress.parse("tcp://127.0.0.1:" + port);
        AgentUnreachableException e = assertThrows(AgentUnreachableException.class,
                () -> new HttpClient(a, Duration.ofSeconds(1), Duration.ofSeconds(1)).send("GET", "/v1.47/info", null));
        assertEquals("Error: cannot reach the orch agent at tcp://127.0.0.1:" + port + ": connection refused (is 'orch init' running?)", e.line());
    }

    @Test
    void aBodyWithoutLengthIsReadToTheEndOfTheStream() throws IOException {
        String raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"a\":1}";
        HttpResponse r = HttpClient.readResponse(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)), "GET");
        assertEquals(200, r.status());
        assertEquals("{\"a\":1}", r.bodyText());
        assertEquals("application/json", r.header("Content-Type"));
    }

    @Test
    void aTruncatedBodyIsAnError() {
        String raw = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"a\"";
        IOException e = assertThrows(IOException.class,
                () -> HttpClient.readResponse(new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)), "GET"));
        assertTrue(e.getMessage().contains("4 of 10"), e.getMessage());
    }

    @Test
    void theCliReachesAnAgentGivenAsHostColonPort() {
        String hostPort = "127.0.0.1:" + server.getAddress().getPort();
        io.orch.cli.testing.CliRun r = io.orch.cli.testing.CliRun.run("-H", hostPort, "version");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(seen.stream().anyMatch(s -> s.startsWith("GET /v1.47/version") || s.startsWith("GET /version")), seen.toString());
        seen.clear();
        io.orch.cli.testing.CliRun fromEnv = io.orch.cli.testing.CliRun.run(java.util.Map.of("ORCH_HOST", hostPort), "version");
        assertEquals(0, fromEnv.exitCode(), fromEnv.toString());
        assertTrue(!seen.isEmpty());
    }

    @Test
    void aHostWithoutSchemeIsTcpAsWithDocker() {
        HostAddress a = HostAddress.parse("10.0.0.1:2376");
        assertEquals(HostAddress.Scheme.TCP, a.scheme());
        assertEquals("10.0.0.1", a.host());
        assertEquals(2376, a.port());
        assertEquals("tcp://10.0.0.1:2376", a.url());
        assertEquals("tcp://localhost:2375", HostAddress.parse(":2375").url());
        assertEquals("tcp://node1:2375", HostAddress.parse("node1").url());
        assertEquals("tcp://node1:2375", HostAddress.parse("tcp://node1").url());
        assertEquals("tcp://[::1]:2375", HostAddress.parse("[::1]:2375").url());
    }

    @Test
    void hostAddressesParseBothSchemes() {
        assertEquals(HostAddress.Scheme.UNIX, HostAddress.parse("unix:///run/orch/orch.sock").scheme());
        HostAddress tcp = HostAddress.parse("tcp://10.0.0.1:2375");
        assertEquals("10.0.0.1", tcp.host());
        assertEquals(2375, tcp.port());
        assertEquals("::1", HostAddress.parse("tcp://[::1]:2375").host());
        for (String bad : List.of("unix://", "tcp://host:0", "tcp://host:x", "http://h:1", "h:99999", "tcp://h:1/path")) {
            assertThrows(IllegalArgumentException.class, () -> HostAddress.parse(bad), bad);
        }
    }
}
