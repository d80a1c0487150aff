package io.orch.agent.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Names as Docker (swarmkit) takes them, refused with Docker's words, through the create routes. */
class ObjectNamesTest {
    private static final String NOT_DNS = "name must be valid as a DNS name component";
    private static final String FILE_RULE = "invalid name, only 64 [a-zA-Z0-9-_.] characters allowed,"
            + " and the start and end character must be [a-zA-Z0-9]";
    private static final String DATA = "c2VjcmV0"; // base64 of "secret"

    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"web", "w", "st_web", "my-app2", "A_b-C", "0web"})
    void dnsNamesThatDockerTakes(String name) {
        assertNull(ObjectNames.dnsNameProblem(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-web", "web-", "web_", "_web", "my.app", "web app", "wéb", "a/b", "web\n"})
    void dnsNamesThatDockerRefuses(String name) {
        assertEquals("invalid name \"" + name + "\": " + NOT_DNS, ObjectNames.dnsNameProblem(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"db_pass", "app.conf", "a", "x-1.y_2"})
    void fileObjectNamesThatDockerTakes(String name) {
        assertNull(ObjectNames.fileObjectNameProblem(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-x", "x.", ".x", "a b", "a/b", "é"})
    void fileObjectNamesThatDockerRefuses(String name) {
        assertEquals(FILE_RULE, ObjectNames.fileObjectNameProblem(name));
    }

    @Test
    void lengths() {
        assertNull(ObjectNames.dnsNameProblem("a".repeat(63)));
        assertEquals("invalid name \"" + "a".repeat(64) + "\": name must be 63 characters or fewer",
                ObjectNames.dnsNameProblem("a".repeat(64)));
        assertNull(ObjectNames.fileObjectNameProblem("a".repeat(64)));
        assertEquals(FILE_RULE, ObjectNames.fileObjectNameProblem("a".repeat(65)));
    }

    @Test
    void eachCreateRouteRefusesABadNameInDockersWords() {
        ApiFixture.Reply service = api.post("/v1.47/services/create",
                "{\"Name\":\"my.app\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}}}");
        assertEquals(400, service.status());
        assertEquals("invalid ServiceSpec: Name: invalid name \"my.app\": " + NOT_DNS, service.message());

        ApiFixture.Reply longService = api.post("/v1.47/services/create",
                "{\"Name\":\"" + "s".repeat(64) + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\"}}}");
        assertEquals("invalid ServiceSpec: Name: invalid name \"" + "s".repeat(64) + "\": name must be 63 characters or fewer",
                longService.message());

        ApiFixture.Reply network = api.post("/v1.47/networks/create", "{\"Name\":\"back.end\",\"Driver\":\"overlay\"}");
        assertEquals(400, network.status());
        assertEquals("invalid network spec: Name: invalid name \"back.end\": " + NOT_DNS, network.message());

        ApiFixture.Reply secret = api.post("/v1.47/secrets/create", "{\"Name\":\"db.pass-\",\"Data\":\"" + DATA + "\"}");
        assertEquals(400, secret.status());
        assertEquals("invalid secret spec: Name: " + FILE_RULE, secret.message());
        ApiFixture.Reply config = api.post("/v1.47/configs/create", "{\"Name\":\"" + "c".repeat(65) + "\",\"Data\":\"" + DATA + "\"}");
        assertEquals("invalid config spec: Name: " + FILE_RULE, config.message());
        assertEquals(0, api.serviceCount());
    }

    /** The network route matched its name with a backtracking regex before checking its length. */
    @Test
    void aMegabyteNameIsRefusedAtOnceAndNotEchoedWhole() {
        String huge = "a".repeat(1_000_000) + "!";
        ApiFixture.Reply network = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> api.post("/v1.47/networks/create", "{\"Name\":\"" + huge + "\"}"));
        assertEquals("invalid network spec: Name: invalid name \"" + "a".repeat(64) + "...\": " + NOT_DNS, network.message());
    }
}
