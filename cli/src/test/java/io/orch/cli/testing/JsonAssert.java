package io.orch.cli.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/** JSON equality as a server would see it: through text, so 3 (int) equals 3L (long). */
public final class JsonAssert {
    private JsonAssert() {}

    public static void assertJsonEquals(JsonNode expected, JsonNode actual) {
        assertEquals(normalise(expected), normalise(actual));
    }

    private static JsonNode normalise(JsonNode n) {
        try {
            return Fixtures.JSON.readTree(Fixtures.JSON.writeValueAsString(n));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
