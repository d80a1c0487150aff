package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import io.orch.api.json.JsonModelException;
import io.orch.api.proto.NetworkAttachmentConfig;
import io.orch.api.proto.ServiceSpec;
import io.orch.api.proto.TaskSpec;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a request body into a validated ServiceSpec. The checks that need the raw JSON live
 * here (the proto's Mode is a oneof, so "both Global and Replicated" is invisible after
 * parsing; unknown modes would be silently dropped); everything else is
 * {@link ServiceSpecValidator}'s. The body is read strictly: a field orch does not keep is
 * refused with its path unless it carries Docker's "not set" value ({@link DockerJson#mergeStrict}).
 */
final class ServiceSpecReader {
    static final String PREFIX = "invalid ServiceSpec: ";

    private ServiceSpecReader() {}

    static ServiceSpec read(JsonNode body) throws ApiException {
        if (!body.isObject()) {
            throw ApiException.badRequest(PREFIX + "body: must be an object");
        }
        JsonNode mode = field(body, "Mode");
        if (mode != null && mode.isObject()) {
            int modes = 0;
            for (String m : new String[] {"Replicated", "Global", "ReplicatedJob", "GlobalJob"}) {
                modes += present(field(mode, m)) ? 1 : 0;
            }
            if (modes > 1) {
                throw ApiException.badRequest(PREFIX + "Mode: set only one of Replicated, Global, ReplicatedJob or GlobalJob");
            }
        }
        body = withTopLevelNetworksMoved((ObjectNode) body);
        ServiceSpec.Builder spec;
        try {
            spec = DockerJson.mergeStrict(body, ServiceSpec.newBuilder());
        } catch (JsonModelException e) {
            throw ApiException.badRequest(PREFIX + RefusedFields.message(e));
        }
        return ServiceSpecValidator.validate(spec.build());
    }

    /**
     * Old SDKs send the networks at the top of the spec (Docker's deprecated ServiceSpec.Networks);
     * Docker uses them as TaskTemplate.Networks when that has none, and so does orch (the proto has
     * only TaskTemplate.Networks, so they would otherwise be dropped as an unknown field). Both
     * given and different is ambiguous: refused rather than one of them silently ignored.
     */
    static JsonNode withTopLevelNetworksMoved(ObjectNode body) throws ApiException {
        String topKey = key(body, "Networks");
        if (topKey == null || !present(body.get(topKey))) {
            return body;
        }
        JsonNode top = body.get(topKey);
        ObjectNode copy = body.deepCopy();
        copy.remove(topKey);
        String templateKey = key(copy, "TaskTemplate");
        JsonNode template = templateKey == null ? null : copy.get(templateKey);
        if (template != null && !template.isNull() && !template.isObject()) {
            return copy; // the full parse names TaskTemplate as not an object
        }
        ObjectNode task = template instanceof ObjectNode o ? o : copy.putObject("TaskTemplate");
        String inner = key(task, "Networks");
        List<NetworkAttachmentConfig> given = networks(top, "Networks");
        if (inner != null && present(task.get(inner)) && !task.get(inner).isEmpty()) {
            if (!given.equals(networks(task.get(inner), "TaskTemplate.Networks"))) {
                throw ApiException.badRequest(PREFIX + "Networks: the deprecated top-level Networks differ from "
                        + "TaskTemplate.Networks; give them in TaskTemplate.Networks only");
            }
            return copy;
        }
        if (inner != null) {
            task.remove(inner);
        }
        task.set("Networks", top);
        return copy;
    }

    private static List<NetworkAttachmentConfig> networks(JsonNode list, String path) throws ApiException {
        ObjectNode wrapper = DockerJson.MAPPER.createObjectNode();
        wrapper.set("Networks", list);
        try {
            return DockerJson.mergeStrict(wrapper, TaskSpec.newBuilder()).getNetworksList();
        } catch (JsonModelException e) {
            // the wrapper's field is always called Networks; say where the list really was
            throw ApiException.badRequest(PREFIX + path + RefusedFields.message(e).substring("Networks".length()));
        }
    }

    /** The key actually used for {@code name} (Go matches keys case-insensitively), or null. */
    private static String key(JsonNode object, String name) {
        if (object.has(name)) {
            return name;
        }
        Iterator<String> it = object.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (k.equalsIgnoreCase(name)) {
                return k;
            }
        }
        return null;
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull();
    }

    /** Go's encoding/json matches keys case-insensitively; so do we. */
    private static JsonNode field(JsonNode object, String name) {
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return e.getValue();
            }
        }
        return null;
    }
}
