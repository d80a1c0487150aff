package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code filters} query parameter: {@code {"name":{"web":true}}} (current form) or
 * {@code {"name":["web"]}} (the legacy form older clients send). Values of one key are OR-ed,
 * keys are AND-ed, as in Docker.
 */
public final class DockerFilters {
    private final Map<String, Set<String>> values;

    private DockerFilters(Map<String, Set<String>> values) {
        this.values = values;
    }

    public static DockerFilters none() {
        return new DockerFilters(Map.of());
    }

    /** Parses the raw query value, if any; 400 on anything that is not one of the two forms. */
    public static DockerFilters parse(Optional<String> raw) throws ApiException {
        if (raw.isEmpty() || raw.get().isBlank()) {
            return none();
        }
        JsonNode root = RequestJson.read(raw.get().getBytes(StandardCharsets.UTF_8), "filters");
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("invalid filters: expected a JSON object");
        }
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Set<String> set = new LinkedHashSet<>();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                v.fields().forEachRemaining(f -> {
                    if (f.getValue().asBoolean(false)) {
                        set.add(f.getKey());
                    }
                });
            } else if (v.isArray()) {
                for (JsonNode item : v) {
                    set.add(item.asText());
                }
            } else {
                throw ApiException.badRequest("invalid filters: values of '" + e.getKey() + "' must be an object or a list");
            }
            out.put(e.getKey(), set);
        }
        return new DockerFilters(out);
    }

    /** 400 {@code invalid filter 'x'} for a key the endpoint does not know (Docker's behaviour). */
    public DockerFilters accept(Set<String> keys) throws ApiException {
        for (String k : values.keySet()) {
            if (!keys.contains(k)) {
                throw ApiException.badRequest("invalid filter '" + k + "'");
            }
        }
        return this;
    }

    /** The keys given, in the request's order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    public boolean has(String key) {
        Set<String> v = values.get(key);
        return v != null && !v.isEmpty();
    }

    public Set<String> get(String key) {
        return values.getOrDefault(key, Collections.emptySet());
    }

    /** No filter on {@code key}, or {@code actual} equals one of its values. */
    public boolean matchesExact(String key, String actual) {
        return !has(key) || get(key).contains(actual);
    }

    /** No filter on {@code key}, or {@code actual} starts with one of its values. */
    public boolean matchesPrefix(String key, String actual) {
        if (!has(key)) {
            return true;
        }
        for (String v : get(key)) {
            if (actual.startsWith(v)) {
                return true;
            }
        }
        return false;
    }

    /** Label filters ({@code key} or {@code key=value}) must all hold (AND), as in swarmkit. */
    public boolean matchesLabels(String key, Map<String, String> labels) {
        for (String f : get(key)) {
            int eq = f.indexOf('=');
            if (eq < 0) {
                if (!labels.containsKey(f)) {
                    return false;
                }
            } else if (!f.substring(eq + 1).equals(labels.get(f.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }
}
