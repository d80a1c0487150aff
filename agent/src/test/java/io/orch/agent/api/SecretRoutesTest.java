package io.orch.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /secrets} and {@code /configs} on a real store. */
class SecretRoutesTest {
    private static final String DATA = "c3VwZXJzZWNyZXQ="; // "supersecret"
    private static final String PLAIN = "supersecret";
    private final ApiFixture api = new ApiFixture();
    private final List<ApiFixture.Reply> replies = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private ApiFixture.Reply call(HttpMethod m, String uri, String body) {
        ApiFixture.Reply r = api.call(m, uri, body);
        replies.add(r);
        return r;
    }

    private String create(String kind, String name, String labels) {
        ApiFixture.Reply r = call(HttpMethod.POST, "/v1.47/" + kind + "/create",
                "{\"Name\":\"" + name + "\",\"Labels\":" + labels + ",\"Data\":\"" + DATA + "\"}");
        assertEquals(201, r.status(), r.body());
        return r.json().get("ID").asText();
    }

    @Test
    void secretLifecycleNeverReturnsTheData() {
        String id = create("secrets", "st_s_db", "{\"com.docker.stack.namespace\":\"st\"}");
        ApiFixture.Reply byName = call(HttpMethod.GET, "/v1.47/secrets/st_s_db", null);
        assertEquals(200, byName.status());
        assertEquals(id, byName.json().get("ID").asText());
        assertFalse(byName.json().get("Spec").has("Data"));
        assertEquals(id, call(HttpMethod.GET, "/v1.47/secrets/" + id.substring(0, 5), null).json().get("ID").asText());
        assertEquals(1, call(HttpMethod.GET, "/v1.47/secrets?" + ApiFixture.filters("{\"label\":{\"com.docker.stack.namespace=st\":true}}"), null).json().size());
        assertEquals(0, call(HttpMethod.GET, "/v1.47/secrets?" + ApiFixture.filters("{\"name\":{\"other\":true}}"), null).json().size());
        long version = byName.json().get("Version").get("Index").asLong();
        // docker stack deploy re-sends the same data with new labels: accepted
        ApiFixture.Reply same = call(HttpMethod.POST, "/v1.47/secrets/" + id + "/update?version=" + version,
                "{\"Name\":\"st_s_db\",\"Labels\":{\"a\":\"b\"},\"Data\":\"" + DATA + "\"}");
        assertEquals(200, same.status(), same.body());
        ApiFixture.Reply after = call(HttpMethod.GET, "/v1.47/secrets/" + id, null);
        assertEquals("b", after.json().get("Spec").get("Labels").get("a").asText());
        long v2 = after.json().get("Version").get("Index").asLong();
        ApiFixture.Reply changed = call(HttpMethod.POST, "/v1.47/secrets/" + id + "/update?version=" + v2,
                "{\"Name\":\"st_s_db\",\"Labels\":{},\"Data\":\"" + Base64.getEncoder().encodeToString("other".getBytes()) + "\"}");
        assertEquals(400, changed.status());
        assertTrue(changed.message().contains("only updates to Labels are allowed"), changed.message());
        assertEquals(409, call(HttpMethod.POST, "/v1.47/secrets/create",
                "{\"Name\":\"st_s_db\",\"Data\":\"" + DATA + "\"}").status());
        assertEquals(204, call(HttpMethod.DELETE, "/v1.47/secrets/" + id, null).status());
        assertEquals(404, call(HttpMethod.GET, "/v1.47/secrets/st_s_db", null).status());
        // the data, in any encoding, appeared in no response
        for (ApiFixture.Reply r : replies) {
            assertFalse(r.body().contains(DATA) || r.body().contains(PLAIN), r.body());
        }
    }

    @Test
    void configsReturnTheirDataAndRejectBadSpecs() {
        String id = create("configs", "st_c_app", "{}");
        ApiFixture.Reply r = call(HttpMethod.GET, "/v1.47/configs/st_c_app", null);
        assertEquals(DATA, r.json().get("Spec").get("Data").asText());
        assertEquals(id, r.json().get("ID").asText());
        ApiFixture.Reply badName = call(HttpMethod.POST, "/v1.47/configs/create", "{\"Name\":\"-x\",\"Data\":\"" + DATA + "\"}");
        assertEquals(400, badName.status());
        assertTrue(badName.message().startsWith("invalid config spec: Name: invalid name"), badName.message());
        ApiFixture.Reply empty = call(HttpMethod.POST, "/v1.47/configs/create", "{\"Name\":\"x\",\"Data\":\"\"}");
        assertEquals(400, empty.status());
        assertTrue(empty.message().contains("Data"), empty.message());
    }

    @Test
    void aSecretInUseCannotBeRemovedAndServicesNeedExistingReferences() {
        String secretId = create("secrets", "db_pass", "{}");
        String configId = create("configs", "app_conf", "{}");
        ApiFixture.Reply missing = call(HttpMethod.POST, "/v1.47/services/create", "{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":"
                + "{\"Image\":\"busybox\",\"Secrets\":[{\"File\":{\"Name\":\"x\"},\"SecretName\":\"nope\"}]}}}");
        assertEquals(400, missing.status());
        assertEquals("invalid ServiceSpec: TaskTemplate.ContainerSpec.Secrets[0]: secret not found: nope", missing.message());
        String serviceId = api.createService("{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\","
                + "\"Secrets\":[{\"File\":{\"Name\":\"db_pass\",\"Mode\":256},\"SecretName\":\"db_pass\"}],"
                + "\"Configs\":[{\"File\":{\"Name\":\"/etc/app.conf\"},\"ConfigName\":\"app_conf\"}]}}}");
        var spec = api.service(serviceId).getSpec().getTaskTemplate().getContainerSpec();
        assertEquals(secretId, spec.getSecrets(0).getSecretId());
        assertEquals(configId, spec.getConfigs(0).getConfigId());
        ApiFixture.Reply inUse = call(HttpMethod.DELETE, "/v1.47/secrets/db_pass", null);
        assertEquals(409, inUse.status());
        assertEquals("secret 'db_pass' is in use by the following service: web", inUse.message());
        assertEquals(409, call(HttpMethod.DELETE, "/v1.47/configs/app_conf", null).status());
        assertEquals(200, call(HttpMethod.DELETE, "/v1.47/services/web", null).status());
        assertEquals(204, call(HttpMethod.DELETE, "/v1.47/secrets/db_pass", null).status());
        assertTrue(replies.stream().noneMatch(r -> r.body().contains(PLAIN) || r.body().contains(DATA.substring(0, 8))));
        assertTrue(api.store.read(tx -> tx.secrets()).isEmpty());
    }
}
