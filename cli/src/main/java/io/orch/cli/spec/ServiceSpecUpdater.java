package io.orch.cli.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.parse.InvalidValueException;
import io.orch.cli.parse.PortConfig;
import io.orch.cli.parse.PublishSpecs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code service update} flags applied to the current ServiceSpec JSON (docker's
 * updateService): only what a flag names changes; --force bumps TaskTemplate.ForceUpdate so
 * every task is replaced. Pure: the command reads the spec and sends the result.
 */
public final class ServiceSpecUpdater {
    private ServiceSpecUpdater() {}

    public static ObjectNode apply(JsonNode current, ServiceUpdateOptions o, RolloutOptions rollout) {
        ObjectNode spec = current.deepCopy();
        ObjectNode tt = RolloutSpecs.object(spec, "TaskTemplate");
        ObjectNode cs = RolloutSpecs.object(tt, "ContainerSpec");
        if (o.image != null) cs.put("Image", o.image);
        if (o.args != null) {
            ArrayNode args = cs.putArray("Args");
            ServiceSpecBuilder.splitWords(o.args).forEach(args::add);
        }
        if (!o.envAdd.isEmpty() || !o.envRm.isEmpty()) {
            Map<String, String> env = new LinkedHashMap<>();
            cs.path("Env").forEach(e -> env.put(name(e.asText()), e.asText()));
            o.envRm.forEach(k -> env.remove(name(k)));
            o.envAdd.forEach(e -> env.put(name(e), e));
            ArrayNode out = cs.putArray("Env");
            env.values().forEach(out::add);
        }
        if (o.replicas != null) {
            if (spec.path("Mode").get("ReplicatedJob") instanceof ObjectNode job) {
                job.put("TotalCompletions", o.replicas);
            } else if (spec.path("Mode").get("Replicated") instanceof ObjectNode replicated) {
                replicated.put("Replicas", o.replicas);
            } else {
                throw new ServiceSpecBuilder.InvalidCombinationException("--replicas", "replicas can only be used with replicated or replicated-job mode");
            }
        }
        ContainerSpecUpdates.apply(spec, tt, cs, o);
        if (!o.publishAdd.isEmpty() || !o.publishRm.isEmpty()) {
            updatePorts(RolloutSpecs.object(spec, "EndpointSpec"), o);
        }
        if (o.endpointMode != null) {
            RolloutSpecs.object(spec, "EndpointSpec").put("Mode", o.endpointMode);
        }
        if (!o.networkAdd.isEmpty() || !o.networkRm.isEmpty()) {
            updateNetworks(tt, o);
        }
        if (!o.constraintAdd.isEmpty() || !o.constraintRm.isEmpty() || !o.placementPrefAdd.isEmpty() || !o.placementPrefRm.isEmpty()) {
            ObjectNode placement = RolloutSpecs.object(tt, "Placement");
            List<String> constraints = new ArrayList<>();
            placement.path("Constraints").forEach(c -> constraints.add(c.asText()));
            constraints.removeAll(o.constraintRm);
            o.constraintAdd.stream().filter(c -> !constraints.contains(c)).forEach(constraints::add);
            ArrayNode c = placement.putArray("Constraints");
            constraints.forEach(c::add);
            List<String> prefs = new ArrayList<>();
            placement.path("Preferences").forEach(p -> prefs.add(p.path("Spread").path("SpreadDescriptor").asText()));
            prefs.removeAll(o.placementPrefRm);
            prefs.addAll(o.placementPrefAdd);
            ArrayNode p = placement.putArray("Preferences");
            prefs.forEach(d -> p.addObject().putObject("Spread").put("SpreadDescriptor", d));
        }
        RolloutSpecs.apply(spec, rollout);
        if (o.force) tt.put("ForceUpdate", tt.path("ForceUpdate").asLong(0) + 1);
        return spec;
    }

    private static void updatePorts(ObjectNode endpoint, ServiceUpdateOptions o) {
        List<JsonNode> ports = new ArrayList<>();
        endpoint.path("Ports").forEach(ports::add);
        for (String rm : o.publishRm) {
            PortKey key = portKey(rm);
            ports.removeIf(p -> p.path("TargetPort").asInt() == key.target
                    && (key.protocol == null || key.protocol.equals(p.path("Protocol").asText("tcp"))));
        }
        for (PortConfig add : o.publishAdd) {
            ports.removeIf(p -> add.publishedPort() > 0 && p.path("PublishedPort").asInt() == add.publishedPort()
                    && add.protocol().equals(p.path("Protocol").asText("tcp")));
            ObjectNode port = endpoint.objectNode();
            port.put("Protocol", add.protocol());
            port.put("TargetPort", add.targetPort());
            if (add.publishedPort() > 0) port.put("PublishedPort", add.publishedPort());
            port.put("PublishMode", add.publishMode());
            ports.add(port);
        }
        ArrayNode out = endpoint.putArray("Ports");
        ports.forEach(out::add);
    }

    private record PortKey(int target, String protocol) {}

    /**
     * --network-rm NAME|ID, then --network-add (an added network replaces an entry of the same
     * target, so aliases can be changed). The API resolves names to IDs when it stores the spec,
     * so a removal matches the target as stored or the name the user typed (resolved by the caller
     * through {@code networkIds}).
     */
    private static void updateNetworks(ObjectNode tt, ServiceUpdateOptions o) {
        List<JsonNode> networks = new ArrayList<>();
        tt.path("Networks").forEach(networks::add);
        for (String rm : o.networkRm) {
            boolean removed = networks.removeIf(n -> matches(n.path("Target").asText(), rm, o.networkIds));
            if (!removed) {
                throw new ServiceSpecBuilder.InvalidCombinationException("--network-rm", "the service is not attached to network " + rm);
            }
        }
        for (io.orch.cli.parse.NetworkAttachmentSpec add : o.networkAdd) {
            networks.removeIf(n -> matches(n.path("Target").asText(), add.target(), o.networkIds));
            networks.add(ServiceSpecBuilder.networkJson(add));
        }
        ArrayNode out = tt.putArray("Networks");
        networks.forEach(out::add);
    }

    private static boolean matches(String storedTarget, String given, Map<String, String> networkIds) {
        return storedTarget.equals(given) || storedTarget.equals(networkIds.getOrDefault(given, given));
    }

    /** "80", "80/udp", or a full publish spec (its target port counts). */
    private static PortKey portKey(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String port = slash < 0 ? t : t.substring(0, slash);
        if (port.matches("\\d{1,5}")) {
            return new PortKey(Integer.parseInt(port), slash < 0 ? null : t.substring(slash + 1).toLowerCase(java.util.Locale.ROOT));
        }
        try {
            PortConfig p = PublishSpecs.parse(t);
            return new PortKey(p.targetPort(), p.protocol());
        } catch (InvalidValueException e) {
            throw new ServiceSpecBuilder.InvalidCombinationException("--publish-rm", "invalid port: " + text);
        }
    }

    private static String name(String env) {
        int eq = env.indexOf('=');
        return eq < 0 ? env : env.substring(0, eq);
    }
}
