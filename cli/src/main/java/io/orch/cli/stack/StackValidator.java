package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks that need the whole merged stack: required keys and references between its parts. */
final class StackValidator {
    /** Docker's rule for object names; the stack prefix is added later. */
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private StackValidator() {}

    static void validate(StackFile stack) {
        ObjectNode model = stack.model();
        if (!model.path("services").isObject()) {
            throw stack.error("services", "is required");
        }
        for (String section : new String[] {"networks", "volumes", "secrets", "configs"}) {
            stack.section(section).fieldNames().forEachRemaining(n -> {
                if (!NAME.matcher(n).matches()) {
                    throw stack.error(section + "." + n, "invalid name \"" + n + "\" (must match " + NAME.pattern() + ")");
                }
            });
        }
        Iterator<Map.Entry<String, JsonNode>> services = stack.services().fields();
        while (services.hasNext()) {
            Map.Entry<String, JsonNode> e = services.next();
            service(stack, e.getKey(), (ObjectNode) e.getValue());
        }
    }

    private static void service(StackFile stack, String name, ObjectNode s) {
        String path = "services." + name;
        if (!NAME.matcher(name).matches()) {
            throw stack.error(path, "invalid service name \"" + name + "\" (must match " + NAME.pattern() + ")");
        }
        if (!s.hasNonNull("image") || s.get("image").asText().isBlank()) {
            throw stack.error(path, "image is required");
        }
        references(stack, s, path, "secrets", "secret");
        references(stack, s, path, "configs", "config");
        s.path("networks").fieldNames().forEachRemaining(n -> {
            if (!n.equals("default") && !stack.section("networks").has(n)) {
                throw stack.error(path + ".networks." + n, "undefined network \"" + n + "\" (declare it under the top-level networks key)");
            }
        });
        JsonNode volumes = s.path("volumes");
        for (int i = 0; i < volumes.size(); i++) {
            JsonNode v = volumes.get(i);
            if (v.path("type").asText().equals("volume") && v.hasNonNull("source") && !stack.section("volumes").has(v.get("source").asText())) {
                throw stack.error(path + ".volumes[" + i + "]", "undefined volume \"" + v.get("source").asText()
                        + "\" (declare it under the top-level volumes key)");
            }
        }
        JsonNode deps = s.path("depends_on");
        for (int i = 0; i < deps.size(); i++) {
            if (!stack.services().has(deps.get(i).asText())) {
                throw stack.error(path + ".depends_on[" + i + "]", "undefined service \"" + deps.get(i).asText() + "\"");
            }
        }
        JsonNode deploy = s.path("deploy");
        if (deploy.path("mode").asText().equals("global") && deploy.has("replicas")) {
            throw stack.error(path + ".deploy.replicas", "replicas cannot be used with mode global");
        }
        if (deploy.path("endpoint_mode").asText().equals("dnsrr")) {
            JsonNode ports = s.path("ports");
            for (int i = 0; i < ports.size(); i++) {
                if (ports.get(i).path("mode").asText().equals("ingress")) {
                    throw stack.error(path + ".ports[" + i + "]", "ingress-published ports cannot be used with endpoint_mode dnsrr (use mode: host)");
                }
            }
        }
        if (s.path("healthcheck").path("disable").asBoolean(false) && s.path("healthcheck").has("test")) {
            throw stack.error(path + ".healthcheck.disable", "disable: true cannot be combined with test");
        }
    }

    private static void references(StackFile stack, ObjectNode s, String path, String key, String kind) {
        JsonNode refs = s.path(key);
        for (int i = 0; i < refs.size(); i++) {
            String source = refs.get(i).path("source").asText();
            if (!stack.section(key).has(source)) {
                throw stack.error(path + "." + key + "[" + i + "]", "undefined " + kind + " \"" + source
                        + "\" (declare it under the top-level " + key + " key)");
            }
        }
    }
}
