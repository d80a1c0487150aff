package io.orch.agent.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Request JSON nested deeper than 64 levels is one 400 of ours, wherever the API reads JSON. */
class RequestJsonDepthTest {
    private static final String TOO_DEEP = "invalid JSON in request body: nested more than 64 levels deep";

    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private static String nestedArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void sixtyFourLevelsAreReadAndSixtyFiveAreNot() throws Exception {
        assertEquals(64, depth(RequestJson.read(nestedArrays(64).getBytes(StandardCharsets.UTF_8), "request body")));
        ApiException e = assertThrows(ApiException.class,
                () -> RequestJson.read(nestedArrays(65).getBytes(StandardCharsets.UTF_8), "request body"));
        assertEquals(TOO_DEEP, e.getMessage());
    }

    @Test
    void aBodyTenThousandLevelsDeepIsA400NamingTheProblem() {
        ApiFixture.Reply top = api.post("/v1.47/services/create", nestedArrays(10_000));
        assertEquals(400, top.status());
        assertEquals(TOO_DEEP, top.message());

        String inALabel = "{\"Name\":\"web\",\"Labels\":{\"a\":" + "{\"b\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}}";
        ApiFixture.Reply label = api.post("/v1.47/services/create", inALabel);
        assertEquals(400, label.status());
        assertEquals(TOO_DEEP, label.message());
        assertEquals(0, api.serviceCount());

        ApiFixture.Reply secret = api.post("/v1.47/secrets/create", nestedArrays(10_000));
        assertEquals(TOO_DEEP, secret.message());
    }

    @Test
    void deepFiltersAreA400Too() {
        String deep = "{\"name\":" + nestedArrays(1_000) + "}";
        ApiFixture.Reply r = api.get("/v1.47/services?" + ApiFixture.filters(deep));
        assertEquals(400, r.status());
        assertEquals("invalid JSON in filters: nested more than 64 levels deep", r.message());
    }

    private static int depth(com.fasterxml.jackson.databind.JsonNode node) {
        int d = 0;
        while (node != null && node.isContainerNode()) {
            d++;
            node = node.isEmpty() ? null : node.get(0);
        }
        return d;
    }
}
