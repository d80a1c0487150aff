package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orch.api.json.DockerJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A manager locked by autolock, through a real API server on loopback TCP; the unlocking is a stand-in. */
class LockedNodeApiTest {
    private static final String RIGHT = "SWMKEY-1-right";
    private final List<String> tried = new CopyOnWriteArrayList<>();
    private final AtomicBoolean unlocked = new AtomicBoolean();
    private ApiServer server;
    private InetSocketAddress address;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        LockedNodeApi.Unlocker unlocker = key -> {
            tried.add(key);
            if (!key.equals(RIGHT)) {
                throw ApiException.badRequest(LockedNodeApi.WRONG_KEY);
            }
            return new SwarmMembership.Transition<>(null, () -> unlocked.set(true));
        };
        server = new ApiServer(LockedNodeApi.handler("host-a", "node1", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                "0.1.0", unlocker), null);
        address = server.startTcp("127.0.0.1:0");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void itSaysItIsLockedAndRefusesEverythingElseWithDockersError() throws Exception {
        HttpResponse<String> info = send("GET", "/v1.47/info", null);
        assertEquals(200, info.statusCode());
        JsonNode swarm = DockerJson.MAPPER.readTree(info.body()).get("Swarm");
        assertEquals("locked", swarm.get("LocalNodeState").asText());
        assertEquals("node1", swarm.get("NodeID").asText());
        HttpResponse<String> ping = send("GET", "/_ping", null);
        assertEquals(200, ping.statusCode());
        assertEquals("locked", ping.headers().firstValue("Swarm").orElse(""));
        assertEquals(200, send("GET", "/v1.47/version", null).statusCode());

        for (String[] call : new String[][] {{"GET", "/v1.47/secrets"}, {"GET", "/v1.47/secrets/abc"}, {"GET", "/v1.47/swarm"},
                {"POST", "/v1.47/services/create"}, {"DELETE", "/v1.47/services/web"}, {"GET", "/v1.47/swarm/unlockkey"}}) {
            HttpResponse<String> r = send(call[0], call[1], call[0].equals("POST") ? "{}" : null);
            assertEquals(503, r.statusCode(), call[0] + " " + call[1]);
            assertEquals(LockedNodeApi.LOCKED, DockerJson.MAPPER.readTree(r.body()).get("message").asText());
        }
    }

    @Test
    void aMissingOrWrongKeyLeavesItLockedAndTheRightOneUnlocks() throws Exception {
        HttpResponse<String> missing = send("POST", "/v1.47/swarm/unlock", "{}");
        assertEquals(400, missing.statusCode());
        assertTrue(missing.body().contains("UnlockKey: required"), missing.body());
        assertTrue(tried.isEmpty(), "nothing to try");

        HttpResponse<String> wrong = send("POST", "/v1.47/swarm/unlock", "{\"UnlockKey\":\"SWMKEY-1-wrong\"}");
        assertEquals(400, wrong.statusCode());
        assertEquals(LockedNodeApi.WRONG_KEY, DockerJson.MAPPER.readTree(wrong.body()).get("message").asText());
        assertFalse(wrong.body().contains("SWMKEY-1-wrong"), "the key is never echoed");
        assertFalse(unlocked.get());

        HttpResponse<String> right = send("POST", "/v1.47/swarm/unlock", "{\"UnlockKey\":\"" + RIGHT + "\"}");
        assertEquals(200, right.statusCode(), right.body());
        await().atMost(Duration.ofSeconds(5)).until(unlocked::get);
        assertEquals(List.of("SWMKEY-1-wrong", RIGHT), tried);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
