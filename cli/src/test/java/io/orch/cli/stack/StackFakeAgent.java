package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.testing.Fixtures;
import io.orch.cli.testing.RecordedRequest;
import io.orch.cli.testing.StubResponse;
import io.orch.cli.testing.UnixStubServer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory stand-in for the agent's networks, secrets, configs and services endpoints,
 * enough for {@code stack deploy|rm} to run against: objects get sequential IDs and versions,
 * name lookups and label/name filters work, everything is recorded.
 */
final class StackFakeAgent implements AutoCloseable {
    final UnixStubServer server;
    final Map<String, ObjectNode> networks = new LinkedHashMap<>();
    final Map<String, ObjectNode> secrets = new LinkedHashMap<>();
    final Map<String, ObjectNode> configs = new LinkedHashMap<>();
    final Map<String, ObjectNode> services = new LinkedHashMap<>();
    private int nextId = 1;

    StackFakeAgent() throws IOException {
        server = new UnixStubServer(this::answer);
    }

    String url() {
        return server.url();
    }

    List<RecordedRequest> requests() {
        return server.requests();
    }

    List<RecordedRequest> writes() {
        return requests().stream().filter(r -> !r.method().equals("GET")).toList();
    }

    private synchronized StubResponse answer(RecordedRequest r) {
        String t = r.target().startsWith("/v1.47") ? r.target().substring(6) : r.target();
        String path = t.contains("?") ? t.substring(0, t.indexOf('?')) : t;
        String query = t.contains("?") ? URLDecoder.decode(t.substring(t.indexOf('?') + 1), StandardCharsets.UTF_8) : "";
        JsonNode filters = Fixtures.JSON.createObjectNode();
        for (String kv : query.split("&")) {
            if (kv.startsWith("filters=")) {
                try {
                    filters = Fixtures.JSON.readTree(kv.substring("filters=".length()));
                } catch (IOException e) {
                    return StubResponse.error(400, "bad filters");
                }
            }
        }
        String m = r.method();
        if (m.equals("GET") && path.equals("/info")) return StubResponse.ok(Fixtures.text("info.json"));
        for (String kind : List.of("networks", "secrets", "configs", "services")) {
            Map<String, ObjectNode> store = store(kind);
            String base = "/" + kind;
            if (m.equals("GET") && path.equals(base)) {
                ArrayNode out = Fixtures.JSON.createArrayNode();
                for (ObjectNode o : store.values()) {
                    if (matches(filters, o, kind)) out.add(o);
                }
                return StubResponse.ok(out.toString());
            }
            if (m.equals("POST") && path.equals(base + "/create")) {
                JsonNode body = json(r);
                String id = kind.substring(0, 3) + String.format("%022d", nextId++);
                ObjectNode o = Fixtures.JSON.createObjectNode();
                if (kind.equals("networks")) {
                    o.put("Id", id).put("Name", body.path("Name").asText()).set("Labels", body.path("Labels"));
                    store.put(id, o);
                    return StubResponse.json(201, "{\"Id\":\"" + id + "\",\"Warning\":\"\"}");
                }
                o.put("ID", id).putObject("Version").put("Index", nextId++);
                ObjectNode spec = resolveNetworks(((ObjectNode) body).deepCopy());
                o.set("Spec", spec);
                store.put(id, o);
                return StubResponse.json(201, "{\"ID\":\"" + id + "\"}");
            }
            if (path.startsWith(base + "/")) {
                String rest = path.substring(base.length() + 1);
                boolean update = rest.endsWith("/update");
                String key = update ? rest.substring(0, rest.length() - "/update".length()) : rest;
                ObjectNode o = find(store, key, kind);
                if (o == null) return StubResponse.error(404, kind + " " + key + " not found");
                if (m.equals("GET")) return StubResponse.ok(o.toString());
                if (m.equals("DELETE")) {
                    store.values().remove(o);
                    return kind.equals("services") ? StubResponse.ok("") : StubResponse.json(204, "");
                }
                if (m.equals("POST") && update) {
                    ((ObjectNode) o.path("Version")).put("Index", nextId++);
                    o.set("Spec", resolveNetworks((ObjectNode) json(r)));
                    return StubResponse.ok("{}");
                }
            }
        }
        return StubResponse.error(404, "page not found: " + m + " " + t);
    }

    /** As the real server does: attachments name networks, the stored spec has their IDs. */
    private ObjectNode resolveNetworks(ObjectNode spec) {
        for (JsonNode a : spec.path("TaskTemplate").path("Networks")) {
            ObjectNode n = find(networks, a.path("Target").asText(), "networks");
            if (n != null) ((ObjectNode) a).put("Target", n.path("Id").asText());
        }
        return spec;
    }

    private Map<String, ObjectNode> store(String kind) {
        return switch (kind) {
            case "networks" -> networks;
            case "secrets" -> secrets;
            case "configs" -> configs;
            default -> services;
        };
    }

    private static ObjectNode find(Map<String, ObjectNode> store, String key, String kind) {
        for (ObjectNode o : store.values()) {
            if (key.equals(id(o)) || key.equals(name(o, kind))) return o;
        }
        return null;
    }

    private static String id(JsonNode o) {
        return o.has("Id") ? o.get("Id").asText() : o.path("ID").asText();
    }

    private static String name(JsonNode o, String kind) {
        return kind.equals("networks") ? o.path("Name").asText() : o.path("Spec").path("Name").asText();
    }

    private static boolean matches(JsonNode filters, JsonNode o, String kind) {
        JsonNode labels = kind.equals("networks") ? o.path("Labels") : o.path("Spec").path("Labels");
        for (var it = filters.path("label").fieldNames(); it.hasNext(); ) {
            String f = it.next();
            int eq = f.indexOf('=');
            if (eq < 0 ? !labels.has(f) : !f.substring(eq + 1).equals(labels.path(f.substring(0, eq)).asText(null))) return false;
        }
        if (filters.has("name")) {
            boolean any = false;
            for (var it = filters.path("name").fieldNames(); it.hasNext(); ) {
                if (name(o, kind).equals(it.next())) any = true;
            }
            return any;
        }
        return true;
    }

    private static JsonNode json(RecordedRequest r) {
        try {
            return Fixtures.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> writeLines() {
        List<String> out = new ArrayList<>();
        for (RecordedRequest r : writes()) {
            String t = r.target();
            out.add(r.method() + " " + (t.contains("?") ? t.substring(0, t.indexOf('?')) : t));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
