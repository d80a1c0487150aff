package io.orch.cli.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.testing.Fixtures;

/** Builders for small service/task/node snapshots. */
final class Snapshots {
    private Snapshots() {}

    static ObjectNode replicated(int replicas) {
        ObjectNode s = Fixtures.JSON.createObjectNode();
        s.put("ID", "svc1");
        s.putObject("Spec").putObject("Mode").putObject("Replicated").put("Replicas", replicas);
        return s;
    }

    static ObjectNode global() {
        ObjectNode s = Fixtures.JSON.createObjectNode();
        s.put("ID", "svc1");
        s.putObject("Spec").putObject("Mode").putObject("Global");
        return s;
    }

    static ObjectNode task(int slot, String node, String desired, String state) {
        ObjectNode t = Fixtures.JSON.createObjectNode();
        t.put("ID", "t" + slot + node + state);
        if (slot > 0) t.put("Slot", slot);
        t.put("NodeID", node);
        t.put("DesiredState", desired);
        t.putObject("Status").put("State", state).put("Timestamp", "2025-01-01T00:00:00Z");
        return t;
    }

    static ObjectNode failed(int slot, String node, String err, String timestamp) {
        ObjectNode t = task(slot, node, "shutdown", "failed");
        ((ObjectNode) t.path("Status")).put("Err", err).put("Timestamp", timestamp);
        return t;
    }

    static ArrayNode array(JsonNode... items) {
        ArrayNode a = Fixtures.JSON.createArrayNode();
        for (JsonNode i : items) a.add(i);
        return a;
    }

    static ArrayNode nodes(String... idAndState) {
        ArrayNode a = Fixtures.JSON.createArrayNode();
        for (String s : idAndState) {
            String[] p = s.split("=");
            ObjectNode n = a.addObject();
            n.put("ID", p[0]);
            n.putObject("Status").put("State", p[1]);
        }
        return a;
    }
}
