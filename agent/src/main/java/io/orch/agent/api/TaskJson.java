package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.NetworkSpec;
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
        // overlay attachments in Docker's swarm Network shape; without any, the container's bridge
        // address, where Docker shows a task's addresses: NetworksAttachments[].Addresses
        JsonNode addresses = status.remove("NetworkAddresses");
        json.remove("NetworksAttachments");
        if (task.getNetworksAttachmentsCount() > 0) {
            ArrayNode attachments = json.putArray("NetworksAttachments");
            for (NetworkAttachment a : task.getNetworksAttachmentsList()) {
                ObjectNode attachment = attachments.addObject();
                attachment.set("Network", swarmNetwork(a.getNetwork()));
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

    /** A network as Docker's swarm API shows it (swarm.Network: Spec.DriverConfiguration, DriverState, IPAMOptions). */
    static ObjectNode swarmNetwork(Network n) {
        ObjectNode o = DockerJson.MAPPER.createObjectNode();
        o.put("ID", n.getId());
        o.putObject("Version").put("Index", n.getVersion().getIndex());
        if (n.hasCreatedAt()) {
            o.put("CreatedAt", DockerJson.formatTimestamp(n.getCreatedAt()));
        }
        if (n.hasUpdatedAt()) {
            o.put("UpdatedAt", DockerJson.formatTimestamp(n.getUpdatedAt()));
        }
        NetworkSpec s = n.getSpec();
        ObjectNode spec = o.putObject("Spec");
        spec.put("Name", s.getName());
        ObjectNode labels = spec.putObject("Labels");
        s.getLabelsMap().forEach(labels::put);
        ObjectNode driverConfig = spec.putObject("DriverConfiguration").put("Name", s.getDriver());
        if (s.getOptionsCount() > 0) {
            ObjectNode options = driverConfig.putObject("Options");
            s.getOptionsMap().forEach(options::put);
        }
        spec.put("Internal", s.getInternal()).put("Attachable", s.getAttachable()).put("Ingress", s.getIngress()).put("Scope", "swarm");
        ipam(spec.putObject("IPAMOptions"), s.getIpam());
        ObjectNode state = o.putObject("DriverState").put("Name", s.getDriver());
        state.putObject("Options").put("com.docker.network.driver.overlay.vxlanid_list", Integer.toString(n.getVni()));
        ipam(o.putObject("IPAMOptions"), n.getIpam());
        return o;
    }

    private static void ipam(ObjectNode into, IPAMOptions ipam) {
        into.putObject("Driver").put("Name", ipam.getDriver().isEmpty() ? "default" : ipam.getDriver());
        ArrayNode configs = into.putArray("Configs");
        for (IPAMConfig c : ipam.getConfigsList()) {
            ObjectNode config = configs.addObject().put("Subnet", c.getSubnet()).put("Gateway", c.getGateway());
            if (!c.getRange().isEmpty()) {
                config.put("Range", c.getRange());
            }
        }
    }

    private static void strings(ArrayNode into, java.util.List<String> values) {
        values.forEach(into::add);
    }

    private static ObjectNode object(ObjectNode parent, String name) {
        return parent.get(name) instanceof ObjectNode o ? o : parent.putObject(name);
    }
}
