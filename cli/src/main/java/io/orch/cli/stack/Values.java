package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.parse.Cpus;
import io.orch.cli.parse.Durations;
import io.orch.cli.parse.Sizes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Typed reads of compose values, each failing with the value's location and key path. Values
 * may arrive as strings after interpolation ({@code replicas: ${N}}), so numbers and booleans
 * also accept their string spelling, as docker's loader does.
 */
final class Values {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Locations locations;

    Values(Locations locations) {
        this.locations = locations;
    }

    StackFileException error(String path, String problem) {
        return locations.error(path, problem);
    }

    ObjectNode object(JsonNode v, String path) {
        if (v == null || v.isNull()) {
            return NODES.objectNode();
        }
        if (!v.isObject()) {
            throw error(path, "must be a mapping, got " + describe(v));
        }
        return (ObjectNode) v;
    }

    /** Rejects keys outside {@code allowed} (extension keys {@code x-...} pass). */
    void onlyKeys(ObjectNode object, String path, Set<String> allowed) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!allowed.contains(k) && !k.startsWith("x-")) {
                throw error(Locations.child(path, k), "additional property " + k + " is not allowed");
            }
        }
    }

    String string(JsonNode v, String path) {
        if (v == null || v.isNull() || v.isContainerNode()) {
            throw error(path, "must be a string, got " + describe(v));
        }
        return v.isNumber() && v.isFloatingPointNumber() ? BigDecimal.valueOf(v.doubleValue()).stripTrailingZeros().toPlainString() : v.asText();
    }

    long integer(JsonNode v, String path) {
        if (v != null && v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v != null && v.isTextual()) {
            Long parsed = YamlTree.parseInt(v.asText().trim());
            if (parsed != null) {
                return parsed;
            }
        }
        throw error(path, "must be an integer, got " + describe(v));
    }

    long nonNegative(JsonNode v, String path) {
        long n = integer(v, path);
        if (n < 0) {
            throw error(path, "must not be negative, got " + n);
        }
        return n;
    }

    double number(JsonNode v, String path) {
        if (v != null && v.isNumber()) {
            return v.asDouble();
        }
        if (v != null && v.isTextual()) {
            try {
                return Double.parseDouble(v.asText().trim());
            } catch (NumberFormatException ignored) {
                // falls through
            }
        }
        throw error(path, "must be a number, got " + describe(v));
    }

    boolean bool(JsonNode v, String path) {
        if (v != null && v.isBoolean()) {
            return v.asBoolean();
        }
        if (v != null && v.isTextual()) {
            String s = v.asText().trim().toLowerCase(java.util.Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return s.equals("true");
            }
        }
        throw error(path, "must be a boolean, got " + describe(v));
    }

    /** A Go duration ({@code 1m30s}); canonical form is Go's own spelling. */
    long duration(JsonNode v, String path) {
        String s = string(v, path);
        try {
            return Durations.parseNanos(s.trim());
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage() + " \"" + s + "\" (want e.g. 10s, 1m30s)");
        }
    }

    long bytes(JsonNode v, String path) {
        if (v != null && v.isIntegralNumber()) {
            return nonNegative(v, path);
        }
        String s = string(v, path);
        try {
            return Sizes.parse(s);
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage() + " \"" + s + "\" (want e.g. 128M, 1g)");
        }
    }

    /** CPUs as a decimal string; canonical form has no trailing zeros ({@code "0.5"}). */
    String cpus(JsonNode v, String path) {
        String s = string(v, path);
        try {
            return Cpus.format(Cpus.parseNanoCpus(s));
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage() + " \"" + s + "\"");
        }
    }

    String oneOf(JsonNode v, String path, List<String> allowed) {
        String s = string(v, path);
        if (!allowed.contains(s)) {
            throw error(path, "must be one of " + String.join(", ", allowed) + ", got \"" + s + "\"");
        }
        return s;
    }

    /** A string or a list of strings. */
    List<String> strings(JsonNode v, String path) {
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                out.add(string(v.get(i), Locations.index(path, i)));
            }
            return out;
        }
        out.add(string(v, path));
        return out;
    }

    List<String> list(JsonNode v, String path) {
        if (v != null && !v.isNull() && !v.isArray()) {
            throw error(path, "must be a list, got " + describe(v));
        }
        return strings(v, path);
    }

    /**
     * A mapping or a list of {@code KEY=VALUE} (environment, labels). A list entry without '='
     * (or a mapping entry with no value) maps to null: "take it from the environment".
     */
    Map<String, String> keyValues(JsonNode v, String path) {
        Map<String, String> out = new TreeMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                String item = string(v.get(i), Locations.index(path, i));
                int eq = item.indexOf('=');
                String key = eq < 0 ? item : item.substring(0, eq);
                if (key.isEmpty()) {
                    throw error(Locations.index(path, i), "empty key in \"" + item + "\"");
                }
                out.put(key, eq < 0 ? null : item.substring(eq + 1));
            }
            return out;
        }
        if (!v.isObject()) {
            throw error(path, "must be a mapping or a list of KEY=VALUE, got " + describe(v));
        }
        v.fields().forEachRemaining(e -> out.put(e.getKey(),
                e.getValue().isNull() ? null : string(e.getValue(), Locations.child(path, e.getKey()))));
        return out;
    }

    static ObjectNode toObject(Map<String, String> map) {
        ObjectNode o = NODES.objectNode();
        map.forEach((k, val) -> {
            if (val == null) {
                o.putNull(k);
            } else {
                o.put(k, val);
            }
        });
        return o;
    }

    static ArrayNode toArray(List<String> items) {
        ArrayNode a = NODES.arrayNode();
        items.forEach(a::add);
        return a;
    }

    static String describe(JsonNode v) {
        if (v == null || v.isNull()) return "nothing";
        if (v.isObject()) return "a mapping";
        if (v.isArray()) return "a list";
        if (v.isBoolean()) return "a boolean (" + v.asText() + ")";
        if (v.isNumber()) return "a number (" + v.asText() + ")";
        return "\"" + v.asText() + "\"";
    }
}
