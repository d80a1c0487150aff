package io.orch.agent.api;

import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterLimits;
import io.orch.api.proto.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A create or scale past the cluster's task limits is refused with one line; scaling down always passes. */
class ServiceLimitsRoutesTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private static String spec(String name, long replicas) {
        return "{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":" + replicas + "}}}";
    }

    private void limit(long maxTasks, long maxPerService) {
        api.write(tx -> {
            Cluster c = tx.read().cluster().orElseThrow();
            tx.update(c.toBuilder().setSpec(c.getSpec().toBuilder().setLimits(ClusterLimits.newBuilder()
                    .setMaxTasks(maxTasks).setMaxReplicasPerService(maxPerService))).build());
        });
    }

    @Test
    void fiftyMillionReplicasAreRefusedWithTheDefaultLimits() {
        ApiFixture.Reply r = api.post("/v1.47/services/create", spec("huge", 50_000_000));
        assertEquals(400, r.status(), r.body());
        String message = r.json().path("message").asText();
        assertTrue(message.startsWith("Mode.Replicated.Replicas: 50000000 is over the cluster's limit of "), message);
        assertTrue(message.endsWith(" per service (orch cluster update --max-replicas-per-service)"), message);
        assertEquals(0, api.serviceCount(), "nothing stored");
    }

    @Test
    void theClusterWideLimitCountsEveryService() {
        limit(10, 8);
        assertEquals(201, api.post("/v1.47/services/create", spec("a", 6)).status());
        ApiFixture.Reply over = api.post("/v1.47/services/create", spec("b", 5));
        assertEquals(400, over.status(), over.body());
        assertEquals("Mode.Replicated.Replicas: the 5 tasks asked for would bring the cluster's services to 11 tasks, "
                + "over its limit of 10 (orch cluster update --max-tasks)", over.json().path("message").asText());
        assertEquals(201, api.post("/v1.47/services/create", spec("b", 4)).status(), "exactly at the limit");
    }

    @Test
    void aScaleUpPastTheLimitIsRefusedAndAScaleDownAlwaysPasses() {
        ApiFixture.Reply created = api.post("/v1.47/services/create", spec("web", 6));
        String id = created.json().path("ID").asText();
        limit(4, 4); // lowered below what runs
        Service s = api.service(id);
        ApiFixture.Reply up = api.post("/v1.47/services/" + id + "/update?version=" + s.getVersion().getIndex(), spec("web", 7));
        assertEquals(400, up.status(), up.body());
        assertTrue(up.json().path("message").asText().startsWith("Mode.Replicated.Replicas: 7 is over the cluster's limit of 4"));
        ApiFixture.Reply down = api.post("/v1.47/services/" + id + "/update?version=" + s.getVersion().getIndex(), spec("web", 5));
        assertEquals(200, down.status(), down.body());
        assertEquals(5, api.service(id).getSpec().getMode().getReplicated().getReplicas());
        assertEquals(200, api.call(io.netty.handler.codec.http.HttpMethod.DELETE, "/v1.47/services/" + id, null).status(),
                "a removal always gets through");
    }
}
