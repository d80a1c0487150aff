package io.orch.cli.render;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code node ls}: ID (with " *" on the node we talk to), HOSTNAME, STATUS, AVAILABILITY, MANAGER STATUS, ENGINE VERSION. */
public final class NodeTableRenderer {
    private NodeTableRenderer() {}

    public static String render(JsonNode nodes, String selfNodeId) {
        Table t = new Table("ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION");
        for (JsonNode n : nodes) {
            String id = n.path("ID").asText();
            t.row(id.equals(selfNodeId) ? id + " *" : id,
                    Json.text(n, "Description", "Hostname"),
                    Names.title(Json.text(n, "Status", "State")),
                    Names.title(Json.text(n, "Spec", "Availability")),
                    managerStatus(n.path("ManagerStatus")),
                    Json.text(n, "Description", "Engine", "EngineVersion"));
        }
        return t.render();
    }

    static String managerStatus(JsonNode ms) {
        if (!ms.isObject()) return "";
        if (ms.path("Leader").asBoolean(false)) return "Leader";
        return Names.title(ms.path("Reachability").asText(""));
    }
}
