package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.agent.dispatch.DispatcherService;
import io.orch.api.proto.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Swarm spec fields orch cannot change: GET shows the value in use, an update may only repeat it. */
class SwarmSpecLeftoversTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private Cluster cluster() {
        return api.store.read(tx -> tx.cluster()).orElseThrow();
    }

    private ApiFixture.Reply update(String body) {
        return api.post("/v1.47/swarm/update?version=" + cluster().getVersion().getIndex(), body);
    }

    @Test
    void getShowsTheHeartbeatPeriodTheDispatcherReallyUses() {
        JsonNode spec = api.get("/v1.47/swarm").json().get("Spec");
        assertEquals(DispatcherService.Settings.defaults().heartbeatPeriod().toNanos(), spec.at("/Dispatcher/HeartbeatPeriod").asLong());
        assertEquals(500_000_000L, spec.at("/Dispatcher/HeartbeatPeriod").asLong());
        assertEquals("default", spec.get("Name").asText());
    }

    @Test
    void whatDockerSwarmUpdateSendsBackIsAccepted() {
        JsonNode shown = api.get("/v1.47/swarm").json().get("Spec");
        ApiFixture.Reply ok = update(SwarmUpdateRoutesTest.cliUpdateBody(shown, 7));
        assertEquals(200, ok.status(), ok.body());
        ApiFixture.Reply whole = update(api.get("/v1.47/swarm").json().get("Spec").toString());
        assertEquals(200, whole.status(), "the whole spec GET shows, sent back: " + whole.body());
    }

    @Test
    void anotherHeartbeatPeriodIsRefusedNamingTheField() {
        Cluster before = cluster();
        ApiFixture.Reply r = update("{\"Name\":\"default\",\"Dispatcher\":{\"HeartbeatPeriod\":5000000000}}");
        assertEquals(400, r.status());
        assertEquals("invalid swarm spec: Dispatcher.HeartbeatPeriod: orch's managers heartbeat their workers every 500 ms "
                + "(500000000 ns); got 5000000000", r.message());
        assertEquals(before, cluster());
    }

    @Test
    void onlyTheNameDefault() {
        Cluster before = cluster();
        ApiFixture.Reply r = update("{\"Name\":\"prod\"}");
        assertEquals(400, r.status());
        assertEquals("invalid swarm spec: Name: a swarm's name is always \"default\"; got \"prod\"", r.message());
        assertEquals(before, cluster());
        assertEquals(200, update("{\"Name\":\"\"}").status());
        assertEquals("default", api.get("/v1.47/swarm").json().at("/Spec/Name").asText());
    }

    @Test
    void taskHistoryLimitIsKeptAndANegativeOneRefused() {
        assertEquals(200, update("{\"Orchestration\":{\"TaskHistoryRetentionLimit\":2}}").status());
        assertEquals(2, cluster().getSpec().getOrchestration().getTaskHistoryRetentionLimit());
        ApiFixture.Reply r = update("{\"Orchestration\":{\"TaskHistoryRetentionLimit\":-1}}");
        assertEquals(400, r.status());
        assertTrue(r.message().startsWith("invalid swarm spec: Orchestration.TaskHistoryRetentionLimit: "), r.message());
        assertEquals(2, cluster().getSpec().getOrchestration().getTaskHistoryRetentionLimit());
    }

    @Test
    void anUnknownSwarmFieldWithAValueIsRefused() {
        ApiFixture.Reply r = update("{\"Name\":\"default\",\"Raft\":{\"Snapshotinterval\":0,\"Heartbeat\":3}}");
        assertEquals(400, r.status());
        assertEquals("invalid ClusterSpec: Raft.Heartbeat: not supported by orch", r.message());
    }
}
