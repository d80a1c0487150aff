package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.proto.Node;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.orch.agent.api.ApiFixture.filters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeRoutesTest {
    private final ApiFixture api = new ApiFixture();

    @BeforeEach
    void seed() {
        api.write(tx -> tx.create(ApiFixture.node(ApiFixture.WORKER, "host2", NodeSpec.Role.WORKER, NodeStatus.State.READY)));
    }

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    @Test
    void listShowsWhatNodeLsReads() {
        JsonNode nodes = api.get("/v1.47/nodes").json();
        assertEquals(2, nodes.size());
        JsonNode self = nodes.get(0).get("ID").asText().equals(ApiFixture.SELF) ? nodes.get(0) : nodes.get(1);
        assertEquals("host1", self.at("/Description/Hostname").asText());
        assertEquals("ready", self.at("/Status/State").asText());
        assertEquals("active", self.at("/Spec/Availability").asText());
        assertEquals("manager", self.at("/Spec/Role").asText());
        assertTrue(self.at("/ManagerStatus/Leader").asBoolean());
        assertEquals("reachable", self.at("/ManagerStatus/Reachability").asText());
        assertTrue(self.at("/Version/Index").asLong() > 0);
    }

    @Test
    void listFilters() {
        assertEquals(1, api.get("/nodes?" + filters("{\"role\":{\"worker\":true}}")).json().size());
        assertEquals(ApiFixture.WORKER, api.get("/nodes?" + filters("{\"name\":{\"host2\":true}}")).json().get(0).get("ID").asText());
        assertEquals(1, api.get("/nodes?" + filters("{\"id\":[\"n0de1\"]}")).json().size());
        assertEquals(2, api.get("/nodes?" + filters("{\"membership\":{\"accepted\":true}}")).json().size());
        assertEquals(400, api.get("/nodes?" + filters("{\"role\":{\"boss\":true}}")).status());
    }

    @Test
    void inspectByHostnameIdAndPrefix() {
        assertEquals(ApiFixture.WORKER, api.get("/v1.47/nodes/host2").json().get("ID").asText());
        assertEquals(ApiFixture.WORKER, api.get("/v1.47/nodes/" + ApiFixture.WORKER).json().get("ID").asText());
        assertEquals(ApiFixture.WORKER, api.get("/v1.47/nodes/n0de2").json().get("ID").asText());
        assertEquals("node n0de is ambiguous (2 matches found)", api.get("/v1.47/nodes/n0de").message());
        assertEquals("node host9 not found", api.get("/v1.47/nodes/host9").message());
    }

    @Test
    void updateIsVersionChecked() {
        long version = api.storedNode(ApiFixture.WORKER).getVersion().getIndex();
        String drain = "{\"Labels\": {\"zone\": \"eu\"}, \"Role\": \"worker\", \"Availability\": \"drain\"}";
        ApiFixture.Reply ok = api.post("/v1.47/nodes/" + ApiFixture.WORKER + "/update?version=" + version, drain);
        assertEquals(200, ok.status(), ok.body());
        Node updated = api.storedNode(ApiFixture.WORKER);
        assertEquals(NodeSpec.Availability.DRAIN, updated.getSpec().getAvailability());
        assertEquals("eu", updated.getSpec().getLabelsMap().get("zone"));
        assertTrue(updated.getVersion().getIndex() > version, "Version.Index must grow with every update");
        assertEquals("host2", updated.getDescription().getHostname(), "only the spec changes");

        ApiFixture.Reply stale = api.post("/v1.47/nodes/" + ApiFixture.WORKER + "/update?version=" + version,
                "{\"Role\": \"manager\", \"Availability\": \"active\"}");
        assertEquals(409, stale.status());
        assertEquals("update out of sequence", stale.message());
        assertEquals(NodeSpec.Role.WORKER, api.storedNode(ApiFixture.WORKER).getSpec().getRole());

        ApiFixture.Reply badEnum = api.post("/v1.47/nodes/host2/update?version=" + updated.getVersion().getIndex(),
                "{\"Availability\": \"sleepy\"}");
        assertEquals(400, badEnum.status());
        assertTrue(badEnum.message().startsWith("invalid NodeSpec: Availability: invalid value \"sleepy\""), badEnum.message());
    }

    @Test
    void theLastManagerCannotBeDemoted() {
        long version = api.storedNode(ApiFixture.SELF).getVersion().getIndex();
        ApiFixture.Reply r = api.post("/nodes/host1/update?version=" + version, "{\"Role\": \"worker\"}");
        assertEquals(400, r.status());
        assertEquals("attempting to demote the last manager of the swarm", r.message());
    }
}
