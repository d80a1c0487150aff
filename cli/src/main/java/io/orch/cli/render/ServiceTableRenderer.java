package io.orch.cli.render;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code service ls}: ID, NAME, MODE, REPLICAS, IMAGE, PORTS. */
public final class ServiceTableRenderer {
    private ServiceTableRenderer() {}

    public static String render(JsonNode services) {
        Table t = new Table("ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS");
        for (JsonNode s : services) {
            JsonNode spec = s.path("Spec");
            t.row(Names.shortId(s.path("ID").asText()),
                    spec.path("Name").asText(),
                    mode(spec),
                    replicas(s),
                    Names.imageWithoutDigest(Json.text(spec, "TaskTemplate", "ContainerSpec", "Image")),
                    PortsFormat.format(s.path("Endpoint").path("Ports"), "ingress"));
        }
        return t.render();
    }

    public static String mode(JsonNode spec) {
        return spec.path("Mode").has("Global") ? "global" : "replicated";
    }

    static String replicas(JsonNode service) {
        JsonNode status = service.path("ServiceStatus");
        JsonNode spec = service.path("Spec");
        String counts;
        if (status.isObject()) {
            counts = status.path("RunningTasks").asLong() + "/" + status.path("DesiredTasks").asLong();
        } else if (spec.path("Mode").has("Replicated")) {
            counts = "?/" + spec.path("Mode").path("Replicated").path("Replicas").asLong(1);
        } else {
            counts = "?";
        }
        long maxPerNode = spec.path("TaskTemplate").path("Placement").path("MaxReplicas").asLong(0);
        return maxPerNode > 0 ? counts + " (max " + maxPerNode + " per node)" : counts;
    }
}
