package io.orch.agent.api;

import io.netty.handler.codec.http.HttpMethod;
import io.orch.api.proto.Service;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskState;
import io.orch.api.proto.TaskStatus;
import io.orch.runtime.image.registry.RegistryAuth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docker service create|update --with-registry-auth}: the X-Registry-Auth header is kept in
 * the task template's PullOptions (so tasks carry it to the node that pulls), kept by updates that
 * do not send it, and never shown by inspect or the task list.
 */
class ServiceRegistryAuthTest {
    private static final String PASSWORD = "s3cret-Pw-4711";
    private static final String HEADER = new RegistryAuth("alice", PASSWORD, "reg.lan:5000", "").encode();
    private static final String SPEC = "{\"Name\":\"web\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"reg.lan:5000/app:1\"}}}";
    private ApiFixture api;

    @BeforeEach
    void setUp() {
        api = new ApiFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        api.close();
    }

    private String create(Map<String, String> headers) {
        ApiFixture.Reply r = api.call(HttpMethod.POST, "/v1.47/services/create", SPEC, headers);
        assertEquals(201, r.status(), r.body());
        return r.json().get("ID").asText();
    }

    private static String storedAuth(Service s) {
        return s.getSpec().getTaskTemplate().getContainerSpec().getPullOptions().getRegistryAuth();
    }

    private ApiFixture.Reply update(String id, String query, Map<String, String> headers) {
        long version = api.service(id).getVersion().getIndex();
        String spec = SPEC.replace("app:1", "app:2");
        return api.call(HttpMethod.POST, "/v1.47/services/" + id + "/update?version=" + version + query, spec, headers);
    }

    @Test
    void createKeepsTheLoginWhereOnlyTheNodesReadIt() {
        String id = create(Map.of("X-Registry-Auth", HEADER));
        assertEquals("alice", RegistryAuth.decode(storedAuth(api.service(id))).orElseThrow().username());
        assertEquals(PASSWORD, RegistryAuth.decode(storedAuth(api.service(id))).orElseThrow().password());

        Service service = api.service(id);
        api.addTask(Task.newBuilder().setId("task00000000000000000000a").setServiceId(id).setNodeId(ApiFixture.SELF)
                .setSpec(service.getSpec().getTaskTemplate())
                .setStatus(TaskStatus.newBuilder().setState(TaskState.RUNNING)).build());
        for (String uri : new String[] {"/v1.47/services/" + id, "/v1.47/services/" + id + "?insertDefaults=true",
                "/v1.47/services", "/v1.47/tasks", "/v1.47/tasks/task00000000000000000000a"}) {
            String body = api.get(uri).body();
            assertTrue(body.contains("reg.lan:5000/app:1"), uri + ": " + body);
            assertFalse(body.contains(PASSWORD), uri + " shows the password: " + body);
            assertFalse(body.contains(HEADER), uri + " shows the header: " + body);
            assertFalse(body.contains("PullOptions"), uri + ": " + body);
        }
    }

    @Test
    void withoutTheHeaderThereIsNoLogin() {
        String id = create(Map.of());
        assertFalse(api.service(id).getSpec().getTaskTemplate().getContainerSpec().hasPullOptions());
        String empty = create2("e30=");
        assertFalse(api.service(empty).getSpec().getTaskTemplate().getContainerSpec().hasPullOptions(), "{} is no login");
    }

    private String create2(String header) {
        ApiFixture.Reply r = api.call(HttpMethod.POST, "/v1.47/services/create", SPEC.replace("\"web\"", "\"web2\""),
                Map.of("X-Registry-Auth", header));
        assertEquals(201, r.status(), r.body());
        return r.json().get("ID").asText();
    }

    @Test
    void anUpdateWithoutTheHeaderKeepsTheLoginAndOneWithItReplacesIt() {
        String id = create(Map.of("X-Registry-Auth", HEADER));
        assertEquals(200, update(id, "", Map.of()).status());
        assertEquals("reg.lan:5000/app:2", api.service(id).getSpec().getTaskTemplate().getContainerSpec().getImage());
        assertEquals(HEADER, storedAuth(api.service(id)), "kept from the current spec");

        String other = new RegistryAuth("bob", "other-pw", "reg.lan:5000", "").encode();
        assertEquals(200, update(id, "", Map.of("X-Registry-Auth", other)).status());
        assertEquals("bob", RegistryAuth.decode(storedAuth(api.service(id))).orElseThrow().username());

        assertEquals(200, update(id, "&registryAuthFrom=previous-spec", Map.of()).status());
        assertEquals("alice", RegistryAuth.decode(storedAuth(api.service(id))).orElseThrow().username(),
                "registryAuthFrom=previous-spec takes the login the spec before had");
    }

    @Test
    void aBadHeaderIs400NamingItAndChangesNothing() {
        String id = create(Map.of("X-Registry-Auth", HEADER));
        long version = api.service(id).getVersion().getIndex();
        ApiFixture.Reply r = update(id, "", Map.of("X-Registry-Auth", "%%" + PASSWORD));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("X-Registry-Auth: not valid base64"), r.body());
        assertFalse(r.body().contains(PASSWORD), r.body());
        assertEquals(version, api.service(id).getVersion().getIndex());

        ApiFixture.Reply from = update(id, "&registryAuthFrom=elsewhere", Map.of());
        assertEquals(400, from.status(), from.body());
        assertTrue(from.body().contains("registryAuthFrom"), from.body());

        ApiFixture.Reply c = api.call(HttpMethod.POST, "/v1.47/services/create", SPEC.replace("\"web\"", "\"web3\""),
                Map.of("X-Registry-Auth", new RegistryAuth("", "", "", "idtoken-xyz").encode()));
        assertEquals(400, c.status(), c.body());
        assertTrue(c.body().contains("identity tokens are not supported"), c.body());
        assertEquals(1, api.serviceCount());
    }
}
