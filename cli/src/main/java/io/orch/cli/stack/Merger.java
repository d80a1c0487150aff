package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Several {@code -c} files, merged in order the way compose does it: mappings merge key by key
 * (the later file wins), {@code command}, {@code entrypoint} and other lists are replaced,
 * except the ones with an identity: ports (the whole port), volumes (by target), secrets and
 * configs (by source) and depends_on, which are merged. Works on canonical trees, so short and
 * long syntax in different files merge correctly.
 */
final class Merger {
    private Merger() {}

    static ObjectNode merge(ObjectNode base, ObjectNode override) {
        ObjectNode out = base.deepCopy();
        override.fields().forEachRemaining(e -> {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.equals("services") && out.get(key) instanceof ObjectNode services) {
                value.fields().forEachRemaining(s -> {
                    JsonNode existing = services.get(s.getKey());
                    services.set(s.getKey(), existing instanceof ObjectNode b
                            ? service(b, (ObjectNode) s.getValue()) : s.getValue().deepCopy());
                });
            } else if (out.get(key) instanceof ObjectNode b && value instanceof ObjectNode o) {
                out.set(key, deep(b, o));
            } else {
                out.set(key, value.deepCopy());
            }
        });
        return out;
    }

    private static ObjectNode service(ObjectNode base, ObjectNode override) {
        ObjectNode out = base.deepCopy();
        override.fields().forEachRemaining(e -> {
            String key = e.getKey();
            JsonNode b = out.get(key);
            JsonNode o = e.getValue();
            JsonNode merged = switch (key) {
                case "ports" -> union(b, o, JsonNode::toString);
                case "volumes" -> union(b, o, v -> v.path("target").asText());
                case "secrets", "configs" -> union(b, o, v -> v.path("source").asText());
                case "depends_on" -> union(b, o, JsonNode::asText);
                default -> b instanceof ObjectNode bo && o instanceof ObjectNode oo ? deep(bo, oo) : o.deepCopy();
            };
            out.set(key, merged);
        });
        return Normalizer.reorder(out, Normalizer.SERVICE_KEYS);
    }

    /** Mappings merge recursively; anything else is replaced. */
    static ObjectNode deep(ObjectNode base, ObjectNode override) {
        ObjectNode out = base.deepCopy();
        override.fields().forEachRemaining(e -> {
            JsonNode b = out.get(e.getKey());
            out.set(e.getKey(), b instanceof ObjectNode bo && e.getValue() instanceof ObjectNode oo
                    ? deep(bo, oo) : e.getValue().deepCopy());
        });
        return out;
    }

    /** Items of both lists; an override item replaces the base item with the same identity, in place. */
    private static ArrayNode union(JsonNode base, JsonNode override, Function<JsonNode, String> identity) {
        Map<String, JsonNode> items = new LinkedHashMap<>();
        if (base != null && base.isArray()) base.forEach(i -> items.put(identity.apply(i), i));
        if (override != null && override.isArray()) override.forEach(i -> items.put(identity.apply(i), i));
        ArrayNode out = Values.NODES.arrayNode();
        items.values().forEach(i -> out.add(i.deepCopy()));
        return out;
    }
}
