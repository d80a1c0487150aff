package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.Task;

/**
 * The task mapping as it was before {@link TaskJson} wrote tasks straight to a generator: the
 * whole task mapped to a tree, then reshaped. Kept as the reference the streamed bytes must equal.
 */
final class TreeTaskJson {
    private TreeTaskJson() {}

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
        // overlay attachments in Docker's swarm Network shape; without any, the container's bridge
        // address, where Docker shows a task's addresses: NetworksAttachments[].Addresses
        JsonNode addresses = status.remove("NetworkAddresses");
        json.remove("NetworksAttachments");
        if (task.getNetworksAttachmentsCount() > 0) {
            ArrayNode attachments = json.putArray("NetworksAttachments");
            for (NetworkAttachment a : task.getNetworksAttachmentsList()) {
                ObjectNode attachment = attachments.addObject();
                attachment.set("Network", TaskJson.swarmNetwork(a.getNetwork()));
                strings(attachment.putArray("Addresses"), a.getAddressesList());
                if (a.getAliasesCount() > 0) {
                    strings(attachment.putArray("Aliases"), a.getAliasesList());
                }
            }
        } else if (addresses != null && addresses.isArray() && !addresses.isEmpty()) {
            ObjectNode attachment = json.putArray("NetworksAttachments").addObject();
            attachment.putObject("Network").putObject("Spec").put("Name", "bridge").put("Driver", "bridge");
            attachment.set("Addresses", addresses);
        }
        // the endpoint a task was created with is orch's own bookkeeping, not Docker's task shape
        json.remove("Endpoint");
        return json;
    }

    private static void strings(ArrayNode into, java.util.List<String> values) {
        values.forEach(into::add);
    }

    private static ObjectNode object(ObjectNode parent, String name) {
        return parent.get(name) instanceof ObjectNode o ? o : parent.putObject(name);
    }
}
