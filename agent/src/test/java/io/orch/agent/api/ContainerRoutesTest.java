package io.orch.agent.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What {@code docker run} sends gets one clear refusal, never the 404 that makes the CLI pull. */
class ContainerRoutesTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    @Test
    void createIsRefusedWith501SayingToUseServices() {
        ApiFixture.Reply r = api.post("/v1.47/containers/create?name=x",
                "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],\"HostConfig\":{\"AutoRemove\":true}}");
        assertEquals(501, r.status(), r.body());
        assertEquals("orch runs services, not standalone containers: use docker service create", r.message());
    }

    @Test
    void startIsRefusedTheSameWay() {
        ApiFixture.Reply r = api.post("/v1.47/containers/0123abcd/start", "{}");
        assertEquals(501, r.status(), r.body());
        assertEquals(ContainerRoutes.SERVICES_ONLY, r.message());
    }
}
