package io.orch.api.json;

import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.PullOptions;
import io.orch.api.proto.TaskSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An {@code (internal)} field (the registry credentials of --with-registry-auth) is never shown and never read. */
class InternalFieldsTest {
    private static final String SECRET = "eyJ1c2VybmFtZSI6InUiLCJwYXNzd29yZCI6InRvcHNlY3JldCJ9";

    @Test
    void pullOptionsAreLeftOutOfTheJson() {
        TaskSpec spec = TaskSpec.newBuilder().setContainerSpec(ContainerSpec.newBuilder().setImage("reg.example/app:1")
                .setPullOptions(PullOptions.newBuilder().setRegistryAuth(SECRET))).build();
        String json = DockerJson.toJson(spec).toString();
        assertTrue(json.contains("reg.example/app:1"), json);
        assertFalse(json.contains(SECRET), json);
        assertFalse(json.toLowerCase().contains("pulloptions"), json);
    }

    @Test
    void aBodyCannotSetThem() throws Exception {
        TaskSpec.Builder b = TaskSpec.newBuilder();
        DockerJson.merge(DockerJson.MAPPER.readTree("{\"ContainerSpec\":{\"Image\":\"x\",\"PullOptions\":{\"RegistryAuth\":\"" + SECRET + "\"}}}"), b);
        assertEquals("x", b.getContainerSpec().getImage());
        assertFalse(b.getContainerSpec().hasPullOptions(), "PullOptions comes only from the X-Registry-Auth header");
    }
}
