package io.orch.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * A canned agent behind a {@link UnixStubServer}: answers the Docker API calls the CLI makes from
 * the fixtures. Service "web" is replicated (3 replicas, all running, 1 ms monitor so convergence
 * verifies at once), "db" is global; anything else is 404 like the real server.
 */
public final class FakeAgent implements AutoCloseable {
    public static final String WEB_ID = "w6pjkkknglqnips5us8l4b7o8";
    public static final String DB_ID = "ydejq76dqsm62n29aclgi5zwp";
    public final UnixStubServer server;

    public FakeAgent() throws IOException {
        server = new UnixStubServer(this::answer);
    }

    public String url() {
        return server.url();
    }

    public List<RecordedRequest> requests() {
        return server.requests();
    }

    static ObjectNode web() {
        ObjectNode s = (ObjectNode) Fixtures.json("service_web.json");
        ((ObjectNode) s.path("Spec")).putObject("UpdateConfig").put("Monitor", 1_000_000L);
        return s;
    }

    static JsonNode db() {
        return Fixtures.json("services.json").get(1);
    }

    static ArrayNode runningWebTasks() {
        ArrayNode tasks = Fixtures.JSON.createArrayNode();
        String[] nodes = {"n0de1selfid0000000000000a", "n0de2worker00000000000000", "n0de1selfid0000000000000a"};
        for (int slot = 1; slot <= 3; slot++) {
            ObjectNode t = tasks.addObject();
            t.put("ID", "task" + slot);
            t.put("ServiceID", WEB_ID);
            t.put("Slot", slot);
            t.put("NodeID", nodes[slot - 1]);
            t.put("DesiredState", "running");
            t.putObject("Spec").putObject("ContainerSpec").put("Image", "busybox:latest");
            t.putObject("Status").put("State", "running").put("Timestamp", "2025-01-01T11:59:00Z");
        }
        return tasks;
    }

    private StubResponse answer(RecordedRequest r) {
        String t = r.decodedTarget();
        String path = t.contains("?") ? t.substring(0, t.indexOf('?')) : t;
        String m = r.method();
        if (m.equals("GET") && path.equals("/v1.47/version")) {
            return StubResponse.ok("{\"Version\":\"0.1.0\",\"ApiVersion\":\"1.47\",\"MinAPIVersion\":\"1.24\",\"Os\":\"linux\",\"Arch\":\"amd64\"}");
        }
        if (m.equals("GET") && path.equals("/v1.47/info")) return StubResponse.ok(Fixtures.text("info.json"));
        if (m.equals("GET") && path.equals("/v1.47/nodes")) return StubResponse.ok(Fixtures.text("nodes.json"));
        if (m.equals("GET") && path.startsWith("/v1.47/nodes/")) {
            String id = path.substring("/v1.47/nodes/".length());
            for (JsonNode n : Fixtures.json("nodes.json")) {
                if (n.path("ID").asText().equals(id) || n.path("Description").path("Hostname").asText().equals(id)) return StubResponse.ok(n.toString());
            }
            return StubResponse.error(404, "node " + id + " not found");
        }
        if (m.equals("GET") && path.equals("/v1.47/services")) return StubResponse.ok(Fixtures.text("services.json"));
        if (m.equals("GET") && path.startsWith("/v1.47/services/")) {
            JsonNode s = service(path.substring("/v1.47/services/".length()));
            return s == null ? StubResponse.error(404, "service " + path.substring(16) + " not found") : StubResponse.ok(s.toString());
        }
        if (m.equals("GET") && path.equals("/v1.47/tasks")) {
            return StubResponse.ok(t.contains("_up-to-date") ? runningWebTasks().toString() : Fixtures.text("tasks_web.json"));
        }
        if (m.equals("POST") && path.equals("/v1.47/services/create")) return StubResponse.json(201, "{\"ID\":\"" + WEB_ID + "\",\"Warnings\":null}");
        if (m.equals("POST") && path.equals("/v1.47/services/" + WEB_ID + "/update")) return StubResponse.ok("{\"Warnings\":null}");
        if (m.equals("DELETE") && path.startsWith("/v1.47/services/")) {
            String name = path.substring("/v1.47/services/".length());
            return service(name) == null ? StubResponse.error(404, "service " + name + " not found") : StubResponse.ok("");
        }
        return StubResponse.error(404, "page not found: " + m + " " + t);
    }

    private static JsonNode service(String idOrName) {
        if (idOrName.equals("web") || idOrName.equals(WEB_ID)) return web();
        if (idOrName.equals("db") || idOrName.equals(DB_ID)) return db();
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
