package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SystemRoutesTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    @Test
    void pingCarriesTheHeadersTheCliReads() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.HEAD, HttpMethod.GET}) {
            ApiFixture.Reply r = api.call(method, "/_ping", null);
            assertEquals(200, r.status());
            assertEquals(method == HttpMethod.GET ? "OK" : "", r.body());
            assertEquals("1.47", r.headers().get("Api-Version"));
            assertEquals("linux", r.headers().get("OSType"));
            assertEquals("false", r.headers().get("Docker-Experimental"));
            assertEquals("active/manager", r.headers().get("Swarm"));
            assertEquals("no-cache, no-store, must-revalidate", r.headers().get("Cache-Control"));
            assertEquals("no-cache", r.headers().get("Pragma"));
            assertEquals("orch/0.1.0-test", r.headers().get("Server"));
            assertEquals(String.valueOf(r.body().length()), r.headers().get("Content-Length"));
        }
    }

    @Test
    void versionPrefixIsOptionalAndBounded() {
        JsonNode v = api.get("/v1.47/version").json();
        assertEquals("0.1.0-test", v.get("Version").asText());
        assertEquals("1.47", v.get("ApiVersion").asText());
        assertEquals("1.24", v.get("MinAPIVersion").asText());
        assertEquals("orch", v.at("/Platform/Name").asText());
        assertEquals("Engine", v.at("/Components/0/Name").asText());
        assertEquals(200, api.get("/version").status());
        assertEquals(200, api.get("/v1.24/version").status());

        ApiFixture.Reply tooNew = api.get("/v1.99/version");
        assertEquals(400, tooNew.status());
        assertEquals("client version 1.99 is too new. Maximum supported API version is 1.47", tooNew.message());
        assertEquals("1.47", tooNew.headers().get("Api-Version"));
        ApiFixture.Reply tooOld = api.get("/v1.23/version");
        assertEquals(400, tooOld.status());
        assertTrue(tooOld.message().startsWith("client version 1.23 is too old"), tooOld.message());
    }

    @Test
    void unknownRoutesAre404PageNotFound() {
        ApiFixture.Reply r = api.get("/v1.47/containers/json");
        assertEquals(404, r.status());
        assertEquals("page not found", r.message());
        assertEquals(404, api.call(HttpMethod.PUT, "/v1.47/services", null).status());
    }

    @Test
    void infoDescribesThisManager() {
        JsonNode info = api.get("/v1.47/info").json();
        assertEquals(ApiFixture.SELF, info.get("ID").asText());
        assertEquals("host1", info.get("Name").asText());
        assertEquals("linux", info.get("OSType").asText());
        assertTrue(info.get("NCPU").asInt() > 0);
        JsonNode swarm = info.get("Swarm");
        assertEquals(ApiFixture.SELF, swarm.get("NodeID").asText());
        assertEquals("active", swarm.get("LocalNodeState").asText());
        assertTrue(swarm.get("ControlAvailable").asBoolean());
        assertEquals(1, swarm.get("Nodes").asInt());
        assertEquals(1, swarm.get("Managers").asInt());
        assertEquals("10.0.0.1:2377", swarm.at("/RemoteManagers/0/Addr").asText());
        assertEquals("c1usterid0000000000000000", swarm.at("/Cluster/ID").asText());
        assertFalse(swarm.get("Cluster").has("JoinTokens"), "info must not carry join tokens");
    }

    @Test
    void swarmInspectShowsTheClusterWithJoinTokens() {
        JsonNode swarm = api.get("/v1.47/swarm").json();
        assertEquals("c1usterid0000000000000000", swarm.get("ID").asText());
        assertEquals("SWMTKN-worker", swarm.at("/JoinTokens/Worker").asText());
        assertTrue(swarm.at("/Version/Index").asLong() > 0);
        assertEquals(503, api.post("/v1.47/swarm/init", "{}").status());
    }

    @Test
    void distributionIsNotResolvedYet() {
        ApiFixture.Reply r = api.get("/v1.47/distribution/docker.io/library/busybox:latest/json");
        assertEquals(404, r.status());
        assertEquals("orch does not resolve image digests from registries yet", r.message());
    }

    @Test
    void metricsAreTaggedByRouteTemplateNotRawPath() {
        api.get("/v1.47/services/abc");
        api.get("/v1.47/nope");
        ApiFixture.Reply r = api.get("/metrics");
        assertEquals(200, r.status());
        assertTrue(r.headers().get("Content-Type").startsWith("text/plain; version=0.0.4"));
        assertTrue(r.body().contains("orch_api_request_seconds_count{method=\"GET\",route=\"/services/{id}\",status=\"404\"}"), r.body());
        assertTrue(r.body().contains("route=\"unmatched\""), r.body());
        assertFalse(r.body().contains("/services/abc"));
    }

    @Test
    void connectionIsClosedWhenTheClientAsksForIt() {
        io.netty.handler.codec.http.FullHttpRequest req = new io.netty.handler.codec.http.DefaultFullHttpRequest(
                io.netty.handler.codec.http.HttpVersion.HTTP_1_1, HttpMethod.GET, "/_ping");
        req.headers().set("Connection", "close");
        io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel(new ApiHandler(api.context));
        ch.writeInbound(req);
        io.netty.handler.codec.http.FullHttpResponse resp = ch.readOutbound();
        assertEquals("close", resp.headers().get("Connection"));
        resp.release();
        assertFalse(ch.isOpen());
        assertTrue(api.channelOpen(), "keep-alive requests leave the connection open");
    }
}
