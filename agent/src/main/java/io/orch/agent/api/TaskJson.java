package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Task;

/**
 * A task in Docker's JSON shape, with the fields the docker CLI dereferences without checking
 * always present (it crashes on a task without Spec.ContainerSpec.Image).
 */
final class TaskJson {
    private TaskJson() {}

    static ObjectNode of(Task task) {
        ObjectNode json = DockerJson.toJson(task);
        ObjectNode spec = object(json, "Spec");
        ObjectNode container = object(spec, "ContainerSpec");
        if (!container.has("Image")) {
            container.put("Image", "");
        }
        ObjectNode status = object(json, "Status");
        if (!status.has("State")) {
            status.put("State", "new");
        }
        if (!status.has("Timestamp")) {
            // a task always has a time; before the first report it is when the task was created
            if (task.hasUpdatedAt()) {
                status.put("Timestamp", DockerJson.formatTimestamp(task.getUpdatedAt()));
            } else if (task.hasCreatedAt()) {
                status.put("Timestamp", DockerJson.formatTimestamp(task.getCreatedAt()));
            }
        }
        // Docker's TaskStatus.PortStatus is an object {"Ports": [...]}, our proto a plain list
        JsonNode ports = status.get("PortStatus");
        if (ports != null && ports.isArray()) {
            status.putObject("PortStatus").set("Ports", ports);
        }
        // the container's bridge address, where Docker shows it: NetworksAttachments[].Addresses
        JsonNode addresses = status.remove("NetworkAddresses");
        if (addresses != null && addresses.isArray() && !addresses.isEmpty()) {
            ObjectNode attachment = json.putArray("NetworksAttachments").addObject();
            attachment.putObject("Network").putObject("Spec").put("Name", "bridge").put("Driver", "bridge");
            attachment.set("Addresses", addresses);
        }
        // the endpoint a task was created with is orch's own bookkeeping, not Docker's task shape
        json.remove("Endpoint");
        return json;
    }

    private static ObjectNode object(ObjectNode parent, String name) {
        return parent.get(name) instanceof ObjectNode o ? o : parent.putObject(name);
    }
}
