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
        if (o.hostname != null) cs.put("Hostname", o.hostname);
        List<String> env = ContainerSpecFields.mergeEnv(o.lists.envFromFiles, o.env);
        if (!env.isEmpty()) putList(cs.putArray("Env"), env);
        if (o.workdir != null) cs.put("Dir", o.workdir);
        if (o.user != null) cs.put("User", o.user);
        if (o.stopSignal != null) cs.put("StopSignal", o.stopSignal);
        if (o.stopGracePeriod != null) cs.put("StopGracePeriod", o.stopGracePeriod);

        ObjectNode resources = tt.putObject("Resources");
        ObjectNode limits = resources.putObject("Limits");
        if (o.limitCpu != null) limits.put("NanoCPUs", o.limitCpu);
        if (o.limitMemory != null) limits.put("MemoryBytes", o.limitMemory);
        if (o.limitPids != null) limits.put("Pids", o.limitPids);
        ObjectNode reservations = resources.putObject("Reservations");
        if (o.reserveCpu != null) reservations.put("NanoCPUs", o.reserveCpu);
        if (o.reserveMemory != null) reservations.put("MemoryBytes", o.reserveMemory);

        if (o.restartCondition != null || o.restartDelay != null || o.restartMaxAttempts != null || o.restartWindow != null) {
            ObjectNode rp = tt.putObject("RestartPolicy");
            if (o.restartCondition != null) rp.put("Condition", o.restartCondition);
            if (o.restartDelay != null) rp.put("Delay", o.restartDelay);
            // docker sends MaxAttempts (0 = unlimited) whenever it sends a restart policy
            rp.put("MaxAttempts", o.restartMaxAttempts == null ? 0 : o.restartMaxAttempts);
            if (o.restartWindow != null) rp.put("Window", o.restartWindow);
        }

        if (!o.constraints.isEmpty() || !o.placementPrefs.isEmpty() || o.maxReplicasPerNode != null) {
            ObjectNode placement = tt.putObject("Placement");
            if (!o.constraints.isEmpty()) putList(placement.putArray("Constraints"), o.constraints);
            if (!o.placementPrefs.isEmpty()) {
                ArrayNode prefs = placement.putArray("Preferences");
                o.placementPrefs.forEach(d -> prefs.addObject().putObject("Spread").put("SpreadDescriptor", d));
            }
            if (o.maxReplicasPerNode != null) placement.put("MaxReplicas", o.maxReplicasPerNode);
        }
        // orch extension: which runtime the tasks need (the scheduler filters nodes on it)
        if (o.runtime != null) tt.put("Runtime", o.runtime);

        spec.set("Mode", ServiceModes.forCreate(o.mode, o.replicas, o.container.maxConcurrent, o.maxReplicasPerNode));
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
