package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** One entry of GET /tasks (the Docker Engine API's Task shape). */
record TaskView(JsonNode json) {
    static List<TaskView> of(NodeApi api, String service) {
        List<TaskView> out = new ArrayList<>();
        api.tasksOf(service).forEach(t -> out.add(new TaskView(t)));
        return out;
    }

    /** The tasks the store says are running and meant to run. */
    static List<TaskView> running(NodeApi api, String service) {
        return of(api, service).stream().filter(t -> t.runningNow() && t.desiredState().equals("running")).toList();
    }

    String id() {
        return json.path("ID").asText();
    }

    long slot() {
        return json.path("Slot").asLong();
    }

    String nodeId() {
        return json.path("NodeID").asText();
    }

    String state() {
        return json.path("Status").path("State").asText();
    }

    String desiredState() {
        return json.path("DesiredState").asText();
    }

    boolean runningNow() {
        return state().equals("running");
    }

    long pid() {
        return json.path("Status").path("ContainerStatus").path("PID").asLong();
    }

    @Override
    public String toString() {
        return "task " + id() + " slot " + slot() + " on " + nodeId() + " " + state() + "->" + desiredState() + " pid " + pid();
    }
}
