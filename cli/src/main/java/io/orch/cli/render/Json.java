package io.orch.cli.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * JSON output in docker's inspect layout: four-space indent, {@code "key": value}; and the CLI's
 * one ObjectMapper, made on first use: a command that only reads the agent's answers
 * (io.orch.cli.client.JsonTreeReader) and prints a table never pays the ~45 ms it costs to start.
 */
public final class Json {
    private Json() {}

    /** The CLI's ObjectMapper, for writing JSON and making nodes. */
    public static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    // the holder idiom: the JVM makes these when mapper() or pretty() first runs, not when Json.text does
    private static final class Mapper {
        static final ObjectMapper MAPPER = new ObjectMapper();
        static final ObjectWriter PRETTY;

        static {
            DefaultIndenter indent = new DefaultIndenter("    ", "\n");
            DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
                    .withObjectIndenter(indent).withArrayIndenter(indent);
            PRETTY = MAPPER.writer(printer);
        }
    }

    public static String pretty(JsonNode node) {
        try {
            return Mapper.PRETTY.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) n = n.path(p);
        return n.isValueNode() ? n.asText() : "";
    }
}
