package io.orch.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /networks}, and services attaching to networks by name. */
class NetworkRoutesTest {
    /** What docker stack deploy sends (docker-cli-28-requests.txt, 25_stack_deploy). */
    private static final String STACK_NETWORK = "{\"Driver\": \"overlay\", \"Scope\": \"\", \"IPAM\": null, \"Internal\": false, "
            + "\"Attachable\": true, \"Ingress\": false, \"ConfigOnly\": false, \"ConfigFrom\": null, \"Options\": null, "
            + "\"Labels\": {\"com.docker.stack.namespace\": \"st\"}, \"Name\": \"st_backend\"}";
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    @Test
    void createListInspectRemove() {
        ApiFixture.Reply created = api.post("/v1.47/networks/create", STACK_NETWORK);
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("Id").asText();
        JsonNode n = api.get("/v1.47/networks/st_backend").json();
        assertEquals(id, n.get("Id").asText());
        assertEquals("swarm", n.get("Scope").asText());
        assertEquals("overlay", n.get("Driver").asText());
        assertTrue(n.get("Attachable").asBoolean());
        assertEquals("st", n.get("Labels").get("com.docker.stack.namespace").asText());
        assertEquals("default", n.get("IPAM").get("Driver").asText());
        assertEquals(1, api.get("/v1.47/networks?" + ApiFixture.filters("{\"label\":{\"com.docker.stack.namespace=st\":true}}")).json().size());
        assertEquals(0, api.get("/v1.47/networks?" + ApiFixture.filters("{\"label\":{\"com.docker.stack.namespace=other\":true}}")).json().size());
        assertEquals(409, api.post("/v1.47/networks/create", STACK_NETWORK).status());
        assertEquals(204, api.call(HttpMethod.DELETE, "/v1.47/networks/" + id, null).status());
        assertEquals(404, api.get("/v1.47/networks/st_backend").status());
    }

    @Test
    void servicesAttachByNameAndStoreTheId() {
        String id = api.post("/v1.47/networks/create", STACK_NETWORK).json().get("Id").asText();
        String service = api.createService("{\"Name\":\"st_web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"},"
                + "\"Networks\":[{\"Target\":\"st_backend\",\"Aliases\":[\"web\"]}]}}");
        assertEquals(id, api.service(service).getSpec().getTaskTemplate().getNetworks(0).getTarget());
        ApiFixture.Reply inUse = api.call(HttpMethod.DELETE, "/v1.47/networks/st_backend", null);
        assertEquals(409, inUse.status());
        assertEquals("network st_backend is in use by service st_web", inUse.message());
        ApiFixture.Reply unknown = api.post("/v1.47/services/create", "{\"Name\":\"x\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\"},\"Networks\":[{\"Target\":\"nope\"}]}}");
        assertEquals(400, unknown.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.Networks[0].Target: network nope not found", unknown.message());
    }

    @Test
    void onlyOverlayNetworks() {
        ApiFixture.Reply r = api.post("/v1.47/networks/create", "{\"Name\":\"n\",\"Driver\":\"bridge\"}");
        assertEquals(400, r.status());
        assertTrue(r.message().startsWith("invalid network spec: Driver:"), r.message());
    }
}
