package io.orch.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming tree reader makes the tree ObjectMapper.readTree makes, node type for node type. */
class JsonTreeReaderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static void sameAsObjectMapper(String json) throws IOException {
        JsonNode expected = MAPPER.readTree(json);
        JsonNode read = JsonTreeReader.read(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, read, json);
        assertEquals(expected, JsonTreeReader.read(json), json);
        assertEquals(expected.getNodeType(), read.getNodeType(), json);
    }

    @Test
    void readsWhatTheAgentSendsAsObjectMapperDoes() throws IOException {
        sameAsObjectMapper("[{\"ID\":\"abc\",\"Version\":{\"Index\":12},\"Spec\":{\"Name\":\"web\",\"Mode\":{\"Replicated\":"
                + "{\"Replicas\":3}},\"Labels\":{}},\"ServiceStatus\":{\"RunningTasks\":3,\"DesiredTasks\":3},"
                + "\"Endpoint\":{\"Ports\":[]},\"CreatedAt\":\"2026-12-07T11:00:00.123456789Z\"}]");
        sameAsObjectMapper("{\"message\":\"service web not found\"}");
        sameAsObjectMapper("{\"a\":null,\"b\":true,\"c\":false,\"d\":-0.5,\"e\":1e300,\"f\":\"\\u00e9\\n\\\"\"}");
        sameAsObjectMapper("{\"int\":2147483647,\"long\":2147483648,\"big\":123456789012345678901234567890,\"neg\":-9223372036854775808}");
        sameAsObjectMapper("{\"k\":1,\"k\":2}");
        sameAsObjectMapper("[[],{},[[{}]]]");
        sameAsObjectMapper("\"just a string\"");
        sameAsObjectMapper("42");
    }

    @Test
    void randomTreesReadBackAsObjectMapperReadsThem() throws IOException {
        Random random = new Random(20261207);
        for (int i = 0; i < 500; i++) {
            sameAsObjectMapper(MAPPER.writeValueAsString(randomObject(random, 0)));
        }
    }

    private static ObjectNode randomObject(Random random, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        int fields = random.nextInt(5);
        for (int i = 0; i < fields; i++) {
            String key = "k" + random.nextInt(10);
            switch (depth < 4 ? random.nextInt(9) : random.nextInt(7)) {
                case 0 -> o.put(key, random.nextInt());
                case 1 -> o.put(key, random.nextLong());
                case 2 -> o.put(key, random.nextDouble() * 1e6);
                case 3 -> o.put(key, "s\u00e9" + random.nextInt(1000) + "\t\"");
                case 4 -> o.put(key, random.nextBoolean());
                case 5 -> o.putNull(key);
                case 6 -> o.put(key, new BigInteger(100, random));
                case 7 -> o.set(key, randomObject(random, depth + 1));
                default -> o.putArray(key).add(randomObject(random, depth + 1)).add(random.nextInt(3));
            }
        }
        return o;
    }

    @Test
    void emptyIsMissingAndBrokenJsonIsAnIoException() throws IOException {
        assertTrue(JsonTreeReader.read(new byte[0]).isMissingNode());
        assertTrue(JsonTreeReader.read("  \n").isMissingNode());
        assertThrows(IOException.class, () -> JsonTreeReader.read("{\"a\":"));
        assertThrows(IOException.class, () -> JsonTreeReader.read("<html>"));
    }
}
