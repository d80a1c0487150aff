package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.NetworkSpec;
import io.orch.runtime.net.overlay.OutboundNat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Which fields of Docker's NetworkCreateRequest orch reads (NetworkRoutes maps it by hand: its
 * shape is not NetworkSpec's), and the refusal of every other field that carries a value, so
 * nothing sent is silently dropped. Keys match case-insensitively, as Go's encoding/json.
 */
final class NetworkCreateFields {
    /** What NetworkRoutes reads or checks. CheckDuplicate (deprecated) is what orch always does. */
    private static final List<String> TOP = List.of("Name", "CheckDuplicate", "Driver", "Scope", "Internal", "Attachable",
            "Ingress", "ConfigOnly", "IPAM", "Options", "Labels", "EnableIPv4", "EnableIPv6", "ConfigFrom");
    private static final List<String> IPAM = List.of("Driver", "Options", "Config");
    private static final List<String> IPAM_CONFIG = List.of("Subnet", "IPRange", "Gateway");
    static final String PREFIX = "invalid network spec: ";

    private NetworkCreateFields() {}

    /**
     * The body with its known keys spelled as Docker documents them (NetworkRoutes reads them
     * by those names), after refusing what orch cannot keep or apply.
     */
    static ObjectNode checked(ObjectNode sent) throws ApiException {
        ObjectNode body = canonical(sent, TOP);
        if (body.get("IPAM") instanceof ObjectNode ipam) {
            ObjectNode fixed = canonical(ipam, IPAM);
            if (fixed.get("Config") instanceof ArrayNode configs) {
                for (int i = 0; i < configs.size(); i++) {
                    if (configs.get(i) instanceof ObjectNode c) {
                        configs.set(i, canonical(c, IPAM_CONFIG));
                    }
                }
            }
            body.set("IPAM", fixed);
        }
        check(body);
        return body;
    }

    /** A copy whose keys that match a known name case-insensitively are spelled as that name. */
    private static ObjectNode canonical(ObjectNode object, List<String> known) {
        ObjectNode out = DockerJson.MAPPER.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = known.stream().filter(k -> k.equalsIgnoreCase(e.getKey())).findFirst().orElse(e.getKey());
            out.set(key, e.getValue().deepCopy());
        }
        return out;
    }

    private static void check(JsonNode body) throws ApiException {
        unknown(body, TOP, "");
        if (field(body, "EnableIPv6").asBoolean(false)) {
            throw ApiException.badRequest(PREFIX + "EnableIPv6: orch overlay networks are IPv4 only");
        }
        JsonNode v4 = field(body, "EnableIPv4");
        if (v4.isBoolean() && !v4.asBoolean()) {
            throw ApiException.badRequest(PREFIX + "EnableIPv4: orch overlay networks are IPv4 networks; false is not supported");
        }
        String configFrom = DockerJson.firstSetPath(field(body, "ConfigFrom"), "ConfigFrom");
        if (configFrom != null) {
            throw ApiException.badRequest(PREFIX + configFrom + ": orch has no config-only networks to copy from");
        }
        JsonNode ipam = field(body, "IPAM");
        if (!ipam.isObject()) {
            return; // null or missing; a wrong type is named by NetworkRoutes
        }
        unknown(ipam, IPAM, "IPAM.");
        String driver = field(ipam, "Driver").asText("");
        if (!driver.isEmpty() && !driver.equals("default")) {
            throw ApiException.badRequest(PREFIX + "IPAM.Driver: orch allocates addresses itself (driver \"default\"), got \""
                    + driver + "\"");
        }
        String options = DockerJson.firstSetPath(field(ipam, "Options"), "IPAM.Options");
        if (options != null) {
            throw ApiException.badRequest(PREFIX + options + ": orch's address allocator takes no options");
        }
        JsonNode configs = field(ipam, "Config");
        if (configs.isArray()) {
            for (int i = 0; i < configs.size(); i++) {
                if (configs.get(i).isObject()) {
                    unknown(configs.get(i), IPAM_CONFIG, "IPAM.Config[" + i + "].");
                }
            }
        }
    }

    /**
     * Docker's create answer has a {@code Warning} (one string): the settings orch keeps and shows
     * but does not apply. (The docker CLI does not print it; SDK clients see it.)
     */
    static String warning(NetworkSpec spec) {
        List<String> out = new ArrayList<>();
        if (spec.getAttachable()) {
            out.add("Attachable is kept but has no effect: orch runs no standalone containers to attach");
        }
        // outbound NAT off per network is applied (by each node's outbound masquerade); the rest is kept only
        List<String> unapplied = new ArrayList<>(new java.util.TreeSet<>(spec.getOptionsMap().keySet()));
        unapplied.remove(OutboundNat.MASQUERADE_OPTION);
        if (!unapplied.isEmpty()) {
            out.add("driver options " + unapplied + " are kept but not applied by orch's overlay driver");
        }
        return String.join("; ", out);
    }

    private static void unknown(JsonNode object, List<String> known, String prefix) throws ApiException {
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (known.contains(e.getKey())) {
                continue;
            }
            String set = DockerJson.firstSetPath(e.getValue(), prefix + e.getKey());
            if (set != null) {
                throw ApiException.badRequest(PREFIX + set + ": not supported by orch");
            }
        }
    }

    private static JsonNode field(JsonNode object, String name) {
        return object.path(name);
    }
}
