package io.orch.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.parse.Filters;
import io.orch.cli.testing.Fixtures;
import io.orch.cli.testing.RecordedRequest;
import io.orch.cli.testing.StubResponse;
import io.orch.cli.testing.UnixStubServer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a stub Docker API on a real unix domain socket. */
class HttpClientUnixSocketTest {
    private UnixStubServer server;

    private DockerApi api(Function<RecordedRequest, StubResponse> handler) throws IOException {
        server = new UnixStubServer(handler);
        return new DockerApi(new HttpClient(HostAddress.parse(server.url()), Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
    }

    @Test
    void getsJsonWithContentLengthUnderTheVersionPrefix() throws IOException {
        DockerApi api = api(r -> StubResponse.ok(Fixtures.text("nodes.json")));
        JsonNode nodes = api.nodes();
        assertEquals(3, nodes.size());
        RecordedRequest r = server.requests().get(0);
        assertEquals("GET", r.method());
        assertEquals("/v1.47/nodes", r.target());
        assertEquals("api.moby.localhost", r.headers().get("host"));
    }

    @Test
    void readsChunkedBodiesWithExtensionsAndTrailers() throws IOException {
        DockerApi api = api(r -> StubResponse.ok(Fixtures.text("services.json")).chunkedEncoding());
        assertEquals(Fixtures.json("services.json"), api.services(null, true));
        assertEquals("/v1.47/services?status=true", server.requests().get(0).target());
    }

    @Test
    void sendsJsonBodiesWithContentTypeAndLength() throws IOException {
        DockerApi api = api(r -> StubResponse.json(201, "{\"ID\":\"abc\",\"Warnings\":null}"));
        String id = api.createService(Fixtures.parse("{\"Name\":\"web\"}"));
        assertEquals("abc", id);
        RecordedRequest r = server.requests().get(0);
        assertEquals("POST /v1.47/services/create", r.method() + " " + r.target());
        assertEquals("application/json", r.headers().get("content-type"));
        assertEquals("14", r.headers().get("content-length"));
        assertEquals("{\"Name\":\"web\"}", r.bodyText());
    }

    @Test
    void percentEncodesFilters() throws IOException {
        DockerApi api = api(r -> StubResponse.ok("[]"));
        api.tasks(new Filters().add("service", "w6pj").add("_up-to-date", "true"));
        RecordedRequest r = server.requests().get(0);
        assertTrue(r.target().startsWith("/v1.47/tasks?filters=%7B"), r.target());
        assertEquals("/v1.47/tasks?filters={\"_up-to-date\":{\"true\":true},\"service\":{\"w6pj\":true}}", r.decodedTarget());
    }

    @Test
    void errorStatusesCarryTheDaemonMessage() throws IOException {
        DockerApi api = api(r -> StubResponse.error(404, "service nope not found"));
        ApiException e = assertThrows(ApiException.class, () -> api.service("nope", false));
        assertEquals(404, e.status());
        assertEquals("Error response from daemon: service nope not found", e.line());
        assertEquals(1, e.exitCode());
    }

    @Test
    void anErrorWithoutJsonStillSaysSomething() throws IOException {
        DockerApi api = api(r -> StubResponse.json(500, "internal trouble"));
        assertEquals("Error response from daemon: internal trouble", assertThrows(ApiException.class, api::info).line());
    }

    @Test
    void deleteWithAnEmptyBodySucceeds() throws IOException {
        DockerApi api = api(r -> StubResponse.json(200, ""));
        api.removeService("web");
        assertEquals("DELETE /v1.47/services/web", server.requests().get(0).toString());
    }

    @Test
    void anAgentThatNeverAnswersTimesOut() throws IOException {
        server = new UnixStubServer(r -> null);
        HttpClient client = new HttpClient(HostAddress.parse(server.url()), Duration.ofSeconds(1), Duration.ofMillis(300));
        assertThrows(SocketTimeoutException.class, () -> client.send("GET", "/v1.47/info", null));
    }

    @Test
    void aMissingSocketIsReportedAsUnreachableWithAHint() {
        HostAddress a = HostAddress.parse("unix:///nonexistent/orch.sock");
        AgentUnreachableException e = assertThrows(AgentUnreachableException.class,
                () -> new HttpClient(a, Duration.ofSeconds(1), Duration.ofSeconds(1)).send("GET", "/v1.47/info", null));
        assertEquals("Error: cannot reach the orch agent at unix:///nonexistent/orch.sock: no such file or directory (is 'orch init' running?)", e.line());
    }

    @Test
    void aSocketNobodyListensOnIsConnectionRefused() throws IOException {
        Path dir = Files.createTempDirectory("orch-cli-test");
        Path sock = dir.resolve("dead.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(sock));
        }
        try {
            HostAddress a = HostAddress.parse("unix://" + sock);
            AgentUnreachableException e = assertThrows(AgentUnreachableException.class,
                    () -> new HttpClient(a, Duration.ofSeconds(1), Duration.ofSeconds(1)).send("GET", "/v1.47/info", null));
            assertEquals("Error: cannot reach the orch agent at unix://" + sock + ": connection refused (is 'orch init' running?)", e.line());
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }
}
