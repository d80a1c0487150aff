package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.agent.events.EventLog;
import io.orch.agent.events.StoreEventFeed;
import io.orch.api.json.DockerJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /events: its query is checked field by field, and a stream opened before a change gets its event. */
class EventRoutesTest {
    private final EventLog log = new EventLog();
    private ApiFixture api;
    private StoreEventFeed feed;

    @BeforeEach
    void setUp() {
        api = new ApiFixture(ApiServices.none().withEvents(log));
        feed = new StoreEventFeed(api.store, log, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        feed.close();
        api.close();
    }

    @Test
    void badTimesAndFiltersAreRefusedNamingTheField() {
        ApiFixture.Reply since = api.get("/v1.47/events?since=yesterday");
        assertEquals(400, since.status());
        assertTrue(since.message().startsWith("invalid since: \"yesterday\" is not a time"), since.message());
        ApiFixture.Reply until = api.get("/v1.47/events?until=soon");
        assertEquals(400, until.status());
        assertTrue(until.message().startsWith("invalid until:"), until.message());
        ApiFixture.Reply order = api.get("/v1.47/events?since=1700000100&until=1700000000");
        assertEquals(400, order.status());
        assertEquals("`since` time (1700000100) cannot be after `until` time (1700000000)", order.message());
        ApiFixture.Reply key = api.get("/v1.47/events?" + ApiFixture.filters("{\"colour\":{\"red\":true}}"));
        assertEquals(400, key.status());
        assertEquals("invalid filter 'colour'", key.message());
        ApiFixture.Reply type = api.get("/v1.47/events?" + ApiFixture.filters("{\"type\":[\"servce\"]}"));
        assertEquals(400, type.status());
        assertTrue(type.message().startsWith("invalid filter 'type=servce'"), type.message());
    }

    @Test
    void aNodeWithoutAnEventLogAnswers501() throws Exception {
        try (ApiFixture plain = new ApiFixture()) {
            assertEquals(501, plain.get("/v1.47/events").status());
        }
    }

    @Test
    void aStreamOpenedBeforeAServiceIsCreatedReceivesItsCreateEvent() throws Exception {
        try (ApiServer server = new ApiServer(api.context)) {
            InetSocketAddress address = server.startTcp("127.0.0.1:0");
            HttpClient client = HttpClient.newHttpClient();
            String filters = URLEncoder.encode("{\"type\":{\"service\":true}}", StandardCharsets.UTF_8);
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort()
                    + "/v1.47/events?filters=" + filters)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
            assertEquals(1, log.listeners(), "the stream listens from before its head was sent");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return lines.readLine();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                String id = api.createService("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}}}");
                JsonNode event = DockerJson.MAPPER.readTree(first.get(10, TimeUnit.SECONDS));
                assertEquals("service", event.get("Type").asText());
                assertEquals("create", event.get("Action").asText());
                assertEquals(id, event.get("Actor").get("ID").asText());
                assertEquals("web", event.get("Actor").get("Attributes").get("name").asText());
                assertEquals("swarm", event.get("scope").asText());
            }
            await("the closed stream stops listening").atMost(Duration.ofSeconds(10)).until(() -> log.listeners() == 0);
        }
    }
}
