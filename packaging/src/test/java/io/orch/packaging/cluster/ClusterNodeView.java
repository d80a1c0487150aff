package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;

/** One entry of GET /nodes as some manager sees it (the Docker Engine API's Node shape). */
record ClusterNodeView(JsonNode json) {
    String id() {
        return json.path("ID").asText();
    }

    String hostname() {
        return json.path("Description").path("Hostname").asText();
    }

    /** ready, down, disconnected or unknown */
    String state() {
        return json.path("Status").path("State").asText();
    }

    boolean ready() {
        return state().equals("ready");
    }

    boolean down() {
        return state().equals("down");
    }

    /** manager or worker */
    String role() {
        return json.path("Spec").path("Role").asText();
    }

    boolean leader() {
        return json.path("ManagerStatus").path("Leader").asBoolean(false);
    }

    /** reachable, unreachable or unknown; empty for a worker */
    String reachability() {
        return json.path("ManagerStatus").path("Reachability").asText();
    }

    @Override
    public String toString() {
        return hostname() + "(" + role() + "," + state() + (leader() ? ",leader" : "")
                + (reachability().isEmpty() ? "" : "," + reachability()) + ")";
    }
}
