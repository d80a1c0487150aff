package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading the bodies of {@code /swarm/init} and {@code /swarm/join}: typed fields, each refusal naming its field. */
final class SwarmRequestFields {
    /** What the docker CLI sends as ListenAddr when --listen-addr is not given: then the agent's own flag applies. */
    static final String DOCKER_DEFAULT_LISTEN_ADDR = "0.0.0.0:2377";

    private final JsonNode body;

    SwarmRequestFields(JsonNode body, Set<String> known) throws ApiException {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        this.body = body;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!known.contains(f.getKey()) && firstNonZero(f.getValue(), f.getKey()) != null) {
                throw ApiException.badRequest(f.getKey() + ": unknown field");
            }
        }
    }

    /** The string, or null when absent or empty. */
    String text(String field) throws ApiException {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(field + ": must be a string");
        }
        return v.asText().isEmpty() ? null : v.asText();
    }

    /** The listen address, or null when absent or the docker CLI's default (the agent's --listen-addr then applies). */
    String listenAddr() throws ApiException {
        String v = text("ListenAddr");
        return DOCKER_DEFAULT_LISTEN_ADDR.equals(v) ? null : v;
    }

    int integer(String field, int min, int max) throws ApiException {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw ApiException.badRequest(field + ": must be an integer");
        }
        int n = v.asInt();
        if (n != 0 && (n < min || n > max)) {
            throw ApiException.badRequest(field + ": " + n + " is out of range (" + min + "-" + max + ")");
        }
        return n;
    }

    boolean flag(String field) throws ApiException {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest(field + ": must be true or false");
        }
        return v.asBoolean();
    }

    /** At most {@code max} strings. */
    List<String> strings(String field, int max) throws ApiException {
        JsonNode v = body.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray() || v.size() > max) {
            throw ApiException.badRequest(field + ": must be a list of at most " + max + " strings");
        }
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().isEmpty()) {
                throw ApiException.badRequest(field + ": must be a list of non-empty strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** A node's availability on joining: orch nodes start active; anything else is refused, not ignored. */
    void activeAvailability() throws ApiException {
        String v = text("Availability");
        if (v != null && !v.equals("active")) {
            throw ApiException.badRequest("Availability: " + v + " is not supported when a node enters a swarm (it starts "
                    + "active); set it afterwards with `docker node update --availability " + v + "`");
        }
    }

    /** The path of the first value under {@code field} that is not a JSON zero value, or null. */
    String firstNonZero(String field) {
        JsonNode v = body.get(field);
        return v == null ? null : firstNonZero(v, field);
    }

    static String firstNonZero(JsonNode v, String path) {
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String found = firstNonZero(f.getValue(), path + "." + f.getKey());
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (v.isArray()) {
            return v.isEmpty() ? null : path;
        }
        boolean zero = v.isNull() || v.isMissingNode() || (v.isBoolean() && !v.asBoolean())
                || (v.isNumber() && v.asDouble() == 0) || (v.isTextual() && v.asText().isEmpty());
        return zero ? null : path;
    }
}
