package io.orch.agent.api;

import io.orch.runtime.image.registry.AuthenticatedRegistry;
import io.orch.runtime.image.registry.ImageReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /auth} (docker login) against the real distribution registry with htpasswd auth. */
class AuthRoutesTest {
    private static final String PASSWORD = "s3cret-Pw-4711";
    @TempDir
    static Path tmp;
    static AuthenticatedRegistry registry;
    private ApiFixture api;

    @BeforeAll
    static void start() throws Exception {
        Optional<String> missing = AuthenticatedRegistry.missingTools();
        Assumptions.assumeTrue(missing.isEmpty(), () -> missing.get());
        registry = new AuthenticatedRegistry(tmp.resolve("registry"), "alice", PASSWORD);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void setUp() {
        api = new ApiFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        api.close();
    }

    private ApiFixture.Reply login(String user, String password) {
        return api.post("/v1.47/auth", "{\"username\":\"" + user + "\",\"password\":\"" + password
                + "\",\"serveraddress\":\"" + registry.address + "\"}");
    }

    @Test
    void theRightLoginSucceedsAsDockerSaysIt() {
        ApiFixture.Reply r = login("alice", PASSWORD);
        assertEquals(200, r.status(), r.body());
        assertEquals("Login Succeeded", r.json().get("Status").asText());
        assertEquals("", r.json().get("IdentityToken").asText());
    }

    @Test
    void aWrongPasswordIs401WithoutThePassword() {
        ApiFixture.Reply r = login("alice", "wrong-" + PASSWORD);
        assertEquals(401, r.status(), r.body());
        assertTrue(r.body().contains("incorrect username or password"), r.body());
        assertFalse(r.body().contains(PASSWORD), r.body());
    }

    @Test
    void aMissingUsernameIs400() {
        ApiFixture.Reply r = api.post("/v1.47/auth", "{\"password\":\"x\",\"serveraddress\":\"" + registry.address + "\"}");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("username"), r.body());
    }

    @Test
    void serverAddressesAreReadAsDockerWritesThem() {
        assertEquals(ImageReference.DOCKER_HUB, AuthRoutes.registryOf("https://index.docker.io/v1/"));
        assertEquals(ImageReference.DOCKER_HUB, AuthRoutes.registryOf(""));
        assertEquals("reg.lan:5000", AuthRoutes.registryOf("http://reg.lan:5000/v2/"));
        assertEquals("reg.lan:5000", AuthRoutes.registryOf("reg.lan:5000"));
    }
}
