package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.proto.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code GET /swarm} shows the cluster's address pool settings, and {@code POST /swarm/update} keeps them. */
class SwarmAddressPoolTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private Cluster cluster() {
        return api.store.read(tx -> tx.cluster()).orElseThrow();
    }

    @Test
    void theStoredPoolSubnetSizeAndDataPathPortAreShownAndSurviveASwarmUpdate() {
        api.write(tx -> tx.update(cluster().toBuilder().addDefaultAddressPool("172.20.0.0/14").addDefaultAddressPool("10.9.0.0/16")
                .setSubnetSize(26).setDataPathPort(7789).build()));
        JsonNode swarm = api.get("/v1.47/swarm").json();
        assertEquals("[\"172.20.0.0/14\",\"10.9.0.0/16\"]", swarm.get("DefaultAddrPool").toString());
        assertEquals(26, swarm.get("SubnetSize").asInt());
        assertEquals(7789, swarm.get("DataPathPort").asInt());

        ApiFixture.Reply ok = api.post("/v1.47/swarm/update?version=" + cluster().getVersion().getIndex(), "{\"Name\": \"default\"}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(List.of("172.20.0.0/14", "10.9.0.0/16"), cluster().getDefaultAddressPoolList());
        assertEquals(26, cluster().getSubnetSize());
        assertEquals(7789, cluster().getDataPathPort());
    }

    @Test
    void aClusterWithoutStoredPoolsShowsTheDefaultsItAllocatesFrom() {
        JsonNode swarm = api.get("/v1.47/swarm").json();
        assertEquals("[\"10.0.0.0/8\"]", swarm.get("DefaultAddrPool").toString());
        assertEquals(24, swarm.get("SubnetSize").asInt());
        assertEquals(4789, swarm.get("DataPathPort").asInt());
    }
}
