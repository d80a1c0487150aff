package io.orch.cli.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.parse.InvalidValueException;
import io.orch.cli.parse.KeyValues;
import io.orch.cli.parse.PortConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Flags to the Docker ServiceSpec JSON that {@code POST /services/create} takes, shaped like the
 * body docker 28 sends: unset flags leave their fields out (the server applies defaults), except
 * the parts docker always sends ({@code Labels}, {@code Resources.Limits/Reservations},
 * {@code EndpointSpec.Mode}). Pure: no I/O, so it can be checked against recorded bodies.
 */
public final class ServiceSpecBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServiceSpecBuilder() {}

    /** Thrown for combinations of flags that make no sense together; the message names the flag. */
    public static final class InvalidCombinationException extends InvalidValueException {
        public final String flag;

        InvalidCombinationException(String flag, String reason) {
            super(reason);
            this.flag = flag;
        }
    }

    public static ObjectNode build(ServiceCreateOptions o) {
        Map<String, String> labels = labels(o.labels, "--label");
        Map<String, String> containerLabels = labels(o.containerLabels, "--container-label");

        ObjectNode spec = JSON.createObjectNode();
        if (o.name != null) spec.put("Name", o.name);
        putMap(spec.putObject("Labels"), labels);

        ObjectNode tt = spec.putObject("TaskTemplate");
        ObjectNode cs = tt.putObject("ContainerSpec");
        cs.put("Image", o.image);
        if (!containerLabels.isEmpty()) putMap(cs.putObject("Labels"), containerLabels);
        if (o.entrypoint != null) putList(cs.putArray("Command"), splitWords(o.entrypoint));
        if (!o.args.isEmpty()) putList(cs.putArray("Args"), o.args);
        List<String> env = ContainerSpecFields.mergeEnv(o.lists.envFromFiles, o.env);
        if (!env.isEmpty()) putList(cs.putArray("Env"), env);
        // docker always sends both resource objects, empty when no flag fills them
        ObjectNode resources = tt.putObject("Resources");
        resources.putObject("Limits");
        resources.putObject("Reservations");
        o.task.applyTo(tt, cs);
        if (o.task.restartGiven()) {
            // docker sends MaxAttempts (0 = unlimited) whenever it sends a restart policy
            ObjectNode rp = (ObjectNode) tt.get("RestartPolicy");
            if (!rp.has("MaxAttempts")) rp.put("MaxAttempts", 0);
        }

        if (!o.constraints.isEmpty() || !o.placementPrefs.isEmpty()) {
            ObjectNode placement = RolloutSpecs.object(tt, "Placement");
            if (!o.constraints.isEmpty()) putList(placement.putArray("Constraints"), o.constraints);
            if (!o.placementPrefs.isEmpty()) {
                ArrayNode prefs = placement.putArray("Preferences");
                o.placementPrefs.forEach(d -> prefs.addObject().putObject("Spread").put("SpreadDescriptor", d));
            }
        }
        // orch extension: which runtime the tasks need (the scheduler filters nodes on it)
        if (o.runtime != null) tt.put("Runtime", o.runtime);

        spec.set("Mode", ServiceModes.forCreate(o.mode, o.replicas, o.container.maxConcurrent, o.task.maxReplicasPerNode));
        ContainerSpecFields.apply(tt, o.container, o.lists);

        if (!o.networks.isEmpty()) {
            ArrayNode networks = tt.putArray("Networks");
            o.networks.forEach(n -> networks.add(networkJson(n)));
        }

        ObjectNode endpoint = spec.putObject("EndpointSpec");
        endpoint.put("Mode", o.endpointMode == null ? "vip" : o.endpointMode);
        if (!o.publish.isEmpty()) {
            ArrayNode ports = endpoint.putArray("Ports");
            for (PortConfig p : o.publish) {
                ObjectNode port = ports.addObject();
                port.put("Protocol", p.protocol());
                port.put("TargetPort", p.targetPort());
                if (p.publishedPort() > 0) port.put("PublishedPort", p.publishedPort());
                port.put("PublishMode", p.publishMode());
            }
        }
        return spec;
    }

    /** One TaskTemplate.Networks[] entry. */
    static ObjectNode networkJson(io.orch.cli.parse.NetworkAttachmentSpec n) {
        ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("Target", n.target());
        if (!n.aliases().isEmpty()) {
            putList(o.putArray("Aliases"), n.aliases());
        }
        if (!n.driverOpts().isEmpty()) {
            putMap(o.putObject("DriverOpts"), n.driverOpts());
        }
        return o;
    }

    private static Map<String, String> labels(List<String> items, String flag) {
        try {
            return KeyValues.toMap(items);
        } catch (InvalidValueException e) {
            throw new InvalidCombinationException(flag, e.getMessage());
        }
    }

    private static void putMap(ObjectNode node, Map<String, String> map) {
        map.forEach(node::put);
    }

    private static void putList(ArrayNode array, List<String> items) {
        items.forEach(array::add);
    }

    /** --entrypoint "sh -c" -> ["sh", "-c"]; quotes group words, as a shell would. */
    static List<String> splitWords(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0; else cur.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) { words.add(cur.toString()); cur.setLength(0); inWord = false; }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) words.add(cur.toString());
        return words;
    }
}
