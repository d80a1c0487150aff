package io.orch.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.ContainerSpec;
import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkAttachment;
import io.orch.api.proto.NetworkSpec;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.Task;
import io.orch.api.proto.TaskSpec;
import io.orch.api.proto.TaskStatus;

import java.io.IOException;

/**
 * A task in Docker's JSON shape, with the fields the docker CLI dereferences without checking
 * always present (it crashes on a task without Spec.ContainerSpec.Image). Written straight to a
 * generator field by field ({@link DockerJson#writeField}), with the few fields whose shape
 * differs from the model's written here; a list of 10,000 tasks builds no tree.
 */
final class TaskJson {
    private static final Descriptor TASK = Task.getDescriptor();
    private static final FieldDescriptor SPEC = TASK.findFieldByNumber(Task.SPEC_FIELD_NUMBER);
    private static final FieldDescriptor STATUS = TASK.findFieldByNumber(Task.STATUS_FIELD_NUMBER);
    private static final FieldDescriptor ENDPOINT = TASK.findFieldByNumber(Task.ENDPOINT_FIELD_NUMBER);
    private static final FieldDescriptor ATTACHMENTS = TASK.findFieldByNumber(Task.NETWORKS_ATTACHMENTS_FIELD_NUMBER);
    private static final FieldDescriptor CONTAINER_SPEC = TaskSpec.getDescriptor().findFieldByNumber(TaskSpec.CONTAINER_SPEC_FIELD_NUMBER);
    private static final FieldDescriptor IMAGE = ContainerSpec.getDescriptor().findFieldByNumber(ContainerSpec.IMAGE_FIELD_NUMBER);
    private static final FieldDescriptor STATE = TaskStatus.getDescriptor().findFieldByNumber(TaskStatus.STATE_FIELD_NUMBER);
    private static final FieldDescriptor TIMESTAMP = TaskStatus.getDescriptor().findFieldByNumber(TaskStatus.TIMESTAMP_FIELD_NUMBER);
    private static final FieldDescriptor PORT_STATUS = TaskStatus.getDescriptor().findFieldByNumber(TaskStatus.PORT_STATUS_FIELD_NUMBER);
    private static final FieldDescriptor ADDRESSES = TaskStatus.getDescriptor().findFieldByNumber(TaskStatus.NETWORK_ADDRESSES_FIELD_NUMBER);

    private TaskJson() {}

    static void write(Task task, JsonGenerator out) throws IOException {
        out.writeStartObject();
        for (FieldDescriptor field : TASK.getFields()) {
            if (field.equals(SPEC)) {
                out.writeFieldName("Spec");
                writeSpec(task.getSpec(), out);
            } else if (field.equals(STATUS)) {
                out.writeFieldName("Status");
                writeStatus(task, out);
            } else if (!field.equals(ENDPOINT) && !field.equals(ATTACHMENTS)) {
                // the endpoint a task was created with is orch's own bookkeeping, not Docker's task shape
                DockerJson.writeField(task, field, out);
            }
        }
        // overlay attachments in Docker's swarm Network shape; without any, the container's bridge
        // address, where Docker shows a task's addresses: NetworksAttachments[].Addresses
        ArrayNode attachments = attachments(task);
        if (attachments != null) {
            out.writeFieldName("NetworksAttachments");
            out.writeTree(attachments);
        }
        out.writeEndObject();
    }

    private static void writeSpec(TaskSpec spec, JsonGenerator out) throws IOException {
        out.writeStartObject();
        boolean container = false;
        for (FieldDescriptor field : TaskSpec.getDescriptor().getFields()) {
            if (field.equals(CONTAINER_SPEC) && DockerJson.shown(spec, field)) {
                out.writeFieldName("ContainerSpec");
                out.writeStartObject();
                DockerJson.writeFields(spec.getContainerSpec(), out);
                if (!DockerJson.shown(spec.getContainerSpec(), IMAGE)) {
                    out.writeStringField("Image", "");
                }
                out.writeEndObject();
                container = true;
            } else {
                DockerJson.writeField(spec, field, out);
            }
        }
        if (!container) {
            out.writeFieldName("ContainerSpec");
            out.writeStartObject();
            out.writeStringField("Image", "");
            out.writeEndObject();
        }
        out.writeEndObject();
    }

    private static void writeStatus(Task task, JsonGenerator out) throws IOException {
        TaskStatus status = task.getStatus();
        out.writeStartObject();
        for (FieldDescriptor field : TaskStatus.getDescriptor().getFields()) {
            if (field.equals(PORT_STATUS)) {
                // Docker's TaskStatus.PortStatus is an object {"Ports": [...]}, our proto a plain list
                if (status.getPortStatusCount() > 0) {
                    out.writeFieldName("PortStatus");
                    out.writeStartObject();
                    out.writeFieldName("Ports");
                    out.writeStartArray();
                    for (PortConfig port : status.getPortStatusList()) {
                        DockerJson.write(port, out);
                    }
                    out.writeEndArray();
                    out.writeEndObject();
                }
            } else if (!field.equals(ADDRESSES)) {
                DockerJson.writeField(status, field, out);
            }
        }
        if (!DockerJson.shown(status, STATE)) {
            out.writeStringField("State", "new");
        }
        if (!DockerJson.shown(status, TIMESTAMP)) {
            // a task always has a time; before the first report it is when the task was created
            if (task.hasUpdatedAt()) {
                out.writeStringField("Timestamp", DockerJson.formatTimestamp(task.getUpdatedAt()));
            } else if (task.hasCreatedAt()) {
                out.writeStringField("Timestamp", DockerJson.formatTimestamp(task.getCreatedAt()));
            }
        }
        out.writeEndObject();
    }

    /** NetworksAttachments as Docker shows them, or null when the task has none to show. */
    private static ArrayNode attachments(Task task) {
        if (task.getNetworksAttachmentsCount() > 0) {
            ArrayNode attachments = DockerJson.MAPPER.createArrayNode();
            for (NetworkAttachment a : task.getNetworksAttachmentsList()) {
                ObjectNode attachment = attachments.addObject();
                attachment.set("Network", swarmNetwork(a.getNetwork()));
                strings(attachment.putArray("Addresses"), a.getAddressesList());
                if (a.getAliasesCount() > 0) {
                    strings(attachment.putArray("Aliases"), a.getAliasesList());
                }
            }
            return attachments;
        }
        if (task.getStatus().getNetworkAddressesCount() > 0) {
            ArrayNode attachments = DockerJson.MAPPER.createArrayNode();
            ObjectNode attachment = attachments.addObject();
            attachment.putObject("Network").putObject("Spec").put("Name", "bridge").put("Driver", "bridge");
            strings(attachment.putArray("Addresses"), task.getStatus().getNetworkAddressesList());
            return attachments;
        }
        return null;
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
}
