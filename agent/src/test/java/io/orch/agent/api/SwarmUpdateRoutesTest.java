package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /swarm/update}: Docker's ClusterSpec, version-checked, plus orch's SchedulerStrategy. */
class SwarmUpdateRoutesTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private Cluster cluster() {
        return api.store.read(tx -> tx.cluster()).orElseThrow();
    }

    @Test
    void setsTheSchedulerStrategyAndShowsItInInspect() {
        long version = cluster().getVersion().getIndex();
        ApiFixture.Reply ok = api.post("/v1.47/swarm/update?version=" + version,
                "{\"Name\": \"default\", \"SchedulerStrategy\": \"binpack\"}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(ClusterSpec.SchedulerStrategy.BINPACK, cluster().getSpec().getSchedulerStrategy());
        JsonNode swarm = api.get("/v1.47/swarm").json();
        assertEquals("binpack", swarm.at("/Spec/SchedulerStrategy").asText());
        assertTrue(cluster().getVersion().getIndex() > version);
    }

    @Test
    void aSpecWithoutTheFieldKeepsTheStrategy() {
        api.post("/swarm/update?version=" + cluster().getVersion().getIndex(), "{\"Name\": \"default\", \"SchedulerStrategy\": \"binpack\"}");
        ApiFixture.Reply ok = api.post("/swarm/update?version=" + cluster().getVersion().getIndex(),
                "{\"Name\": \"default\", \"Orchestration\": {\"TaskHistoryRetentionLimit\": 3}}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(ClusterSpec.SchedulerStrategy.BINPACK, cluster().getSpec().getSchedulerStrategy(), "what docker swarm update sends");
        assertEquals(3, cluster().getSpec().getOrchestration().getTaskHistoryRetentionLimit());
    }

    @Test
    void badInputChangesNothing() {
        Cluster before = cluster();
        long version = before.getVersion().getIndex();
        ApiFixture.Reply badValue = api.post("/swarm/update?version=" + version, "{\"SchedulerStrategy\": \"random\"}");
        assertEquals(400, badValue.status());
        assertTrue(badValue.message().startsWith("invalid ClusterSpec: SchedulerStrategy: invalid value \"random\""), badValue.message());
        ApiFixture.Reply stale = api.post("/swarm/update?version=" + (version + 100), "{\"SchedulerStrategy\": \"binpack\"}");
        assertEquals(409, stale.status());
        assertEquals("update out of sequence", stale.message());
        assertEquals(400, api.post("/swarm/update", "{}").status(), "version is required");
        assertEquals(400, api.post("/swarm/update?version=" + version + "&rotateManagerUnlockKey=true", "{}").status(), "orch has no unlock key");
        assertEquals(before, cluster());
    }
}
