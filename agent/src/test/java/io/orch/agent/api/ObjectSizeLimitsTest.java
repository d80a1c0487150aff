package io.orch.agent.api;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secret and config data under Docker's limits, and labels bounded on every object that has them. */
class ObjectSizeLimitsTest {
    private static final String TOO_LARGE = ": labels too large: this object's labels take more than 65536 bytes (64 KiB) of keys and values";
    private static final String DATA = Base64.getEncoder().encodeToString("secret".getBytes());

    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private static String data(int bytes) {
        return Base64.getEncoder().encodeToString(new byte[bytes]);
    }

    private static String labels(int bytes) {
        return "{\"big\":\"" + "x".repeat(bytes - 3) + "\"}";
    }

    @Test
    void secretAndConfigDataMustBeSmallerThanDockersLimits() {
        ApiFixture.Reply atLimit = api.post("/v1.47/secrets/create", "{\"Name\":\"s1\",\"Data\":\"" + data(512_000) + "\"}");
        assertEquals(400, atLimit.status());
        assertEquals("invalid secret spec: Data: secret data must be larger than 0 and less than 512000 bytes", atLimit.message());
        assertEquals(201, api.post("/v1.47/secrets/create", "{\"Name\":\"s2\",\"Data\":\"" + data(511_999) + "\"}").status());

        ApiFixture.Reply config = api.post("/v1.47/configs/create", "{\"Name\":\"c1\",\"Data\":\"" + data(1_024_000) + "\"}");
        assertEquals("invalid config spec: Data: config data must be larger than 0 and less than 1024000 bytes", config.message());
        assertEquals("invalid config spec: Data: config data must be larger than 0 and less than 1024000 bytes",
                api.post("/v1.47/configs/create", "{\"Name\":\"c2\",\"Data\":\"\"}").message());
    }

    @Test
    void aSecretWithAThreeMegabyteLabelIsRefused() {
        ApiFixture.Reply r = api.post("/v1.47/secrets/create",
                "{\"Name\":\"s\",\"Data\":\"" + DATA + "\",\"Labels\":" + labels(3 * 1024 * 1024) + "}");
        assertEquals(400, r.status());
        assertEquals("invalid secret spec: Labels" + TOO_LARGE, r.message());
        assertEquals(201, api.post("/v1.47/secrets/create",
                "{\"Name\":\"s\",\"Data\":\"" + DATA + "\",\"Labels\":" + labels(64 * 1024) + "}").status());
    }

    @Test
    void anUpdateCannotGrowLabelsPastTheBoundEither() {
        String id = api.post("/v1.47/configs/create", "{\"Name\":\"c\",\"Data\":\"" + DATA + "\"}").json().get("ID").asText();
        ApiFixture.Reply r = api.post("/v1.47/configs/" + id + "/update?version=" + version("configs", id),
                "{\"Name\":\"c\",\"Data\":\"" + DATA + "\",\"Labels\":" + labels(65 * 1024) + "}");
        assertEquals("invalid config spec: Labels" + TOO_LARGE, r.message());
    }

    @Test
    void aServiceIsBoundedOnAllItsLabelsTogetherAndTheRefusalNamesTheMapThatWentOver() {
        String half = "{\"half\":\"" + "x".repeat(40 * 1024) + "\"}";
        ApiFixture.Reply r = api.post("/v1.47/services/create", "{\"Name\":\"web\",\"Labels\":" + half
                + ",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Labels\":" + half + "}}}");
        assertEquals(400, r.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.ContainerSpec.Labels" + TOO_LARGE, r.message());

        ApiFixture.Reply mount = api.post("/v1.47/services/create", "{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\",\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\","
                + "\"VolumeOptions\":{\"Labels\":" + labels(100 * 1024) + "}}]}}}");
        assertEquals("invalid ServiceSpec: TaskTemplate.ContainerSpec.Mounts[0].VolumeOptions.Labels" + TOO_LARGE, mount.message());
        assertEquals(0, api.serviceCount());
    }

    @Test
    void networksNodesAndTheSwarmToo() {
        ApiFixture.Reply network = api.post("/v1.47/networks/create", "{\"Name\":\"n\",\"Labels\":" + labels(65 * 1024) + "}");
        assertEquals("invalid network spec: Labels" + TOO_LARGE, network.message());

        ApiFixture.Reply node = api.post("/v1.47/nodes/" + ApiFixture.SELF + "/update?version=" + version("nodes", ApiFixture.SELF),
                "{\"Role\":\"manager\",\"Availability\":\"active\",\"Labels\":" + labels(65 * 1024) + "}");
        assertEquals("invalid NodeSpec: Labels" + TOO_LARGE, node.message());

        ApiFixture.Reply swarm = api.post("/v1.47/swarm/update?version=" + api.get("/v1.47/swarm").json().at("/Version/Index").asLong(),
                "{\"Labels\":" + labels(65 * 1024) + "}");
        assertEquals("invalid ClusterSpec: Labels" + TOO_LARGE, swarm.message());
    }

    private static String serviceWithEnv(int envBytes) {
        return "{\"Name\":\"big\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Env\":[\"A="
                + "x".repeat(envBytes) + "\"]}}}";
    }

    @Test
    void aServiceSpecTooLargeToKeepBesideItsPreviousOneIsRefusedNamingItsLargestField() {
        ApiFixture.Reply r = api.post("/v1.47/services/create", serviceWithEnv(600 * 1024));
        assertEquals(400, r.status());
        assertTrue(r.message().startsWith("invalid ServiceSpec: TaskTemplate.ContainerSpec.Env: the spec is 600."), r.message());
        assertTrue(r.message().contains("over the limit of " + SpecSizeLimit.MAX_SPEC_BYTES / 1024 + ".0 KiB"), r.message());
        assertEquals(0, api.serviceCount());
    }

    @Test
    void aServiceJustUnderTheSpecLimitCanBeCreatedAndUpdatedAgainAndAgain() {
        int env = SpecSizeLimit.MAX_SPEC_BYTES - 1024;
        ApiFixture.Reply created = api.post("/v1.47/services/create", serviceWithEnv(env));
        assertEquals(201, created.status(), () -> created.message());
        String id = created.json().get("ID").asText();
        for (int i = 0; i < 2; i++) {
            ApiFixture.Reply updated = api.post("/v1.47/services/" + id + "/update?version=" + version("services", id),
                    serviceWithEnv(env - 1 - i));
            int n = i;
            assertEquals(200, updated.status(), () -> "update " + n + ": " + updated.message());
        }
    }

    private long version(String kind, String id) {
        return api.call(HttpMethod.GET, "/v1.47/" + kind + "/" + id, null).json().at("/Version/Index").asLong();
    }
}
