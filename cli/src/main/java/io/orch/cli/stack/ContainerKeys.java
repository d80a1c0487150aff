package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.parse.ExtraHosts;
import io.orch.cli.parse.InvalidValueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compose service keys that map to ContainerSpec fields docker's stack deploy sets
 * (capabilities, extra hosts, sysctls, logging, credential spec, long-syntax volume options):
 * checked and brought to their canonical form for {@link Normalizer}, errors at the key.
 */
final class ContainerKeys {
    private final Values values;

    ContainerKeys(Values values) {
        this.values = values;
    }

    /** {@code ["host:ip"]} or {@code {host: ip}}, canonical as the list; each checked as docker's --host. */
    ArrayNode extraHosts(JsonNode v, String path) {
        List<String> hosts = new ArrayList<>();
        if (v.isObject()) {
            java.util.TreeSet<String> names = new java.util.TreeSet<>();
            v.fieldNames().forEachRemaining(names::add);
            for (String host : names) {
                hosts.add(host + ":" + values.string(v.get(host), Locations.child(path, host)));
            }
        } else {
            hosts.addAll(values.list(v, path));
        }
        for (int i = 0; i < hosts.size(); i++) {
            try {
                ExtraHosts.toSwarm(hosts.get(i));
            } catch (InvalidValueException e) {
                throw values.error(v.isObject() ? path : Locations.index(path, i), e.getMessage());
            }
        }
        return Values.toArray(hosts);
    }

    ArrayNode capabilities(JsonNode v, String path) {
        List<String> caps = values.list(v, path);
        for (int i = 0; i < caps.size(); i++) {
            if (caps.get(i).isBlank()) throw values.error(Locations.index(path, i), "empty capability");
        }
        return Values.toArray(caps);
    }

    /** {file: NAME} or {registry: NAME}; docker's config form also adds a config to the service, which orch does not do. */
    ObjectNode credentialSpec(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        values.onlyKeys(in, path, Set.of("file", "registry", "config"));
        if (in.has("config")) {
            throw values.error(Locations.child(path, "config"), "credential_spec config is not supported by orch (use file or registry)");
        }
        if (in.size() != 1) throw values.error(path, "needs exactly one of file or registry");
        ObjectNode out = Values.NODES.objectNode();
        String k = in.fieldNames().next();
        out.put(k, values.string(in.get(k), Locations.child(path, k)));
        return out;
    }

    Map<String, String> required(Map<String, String> map, String path) {
        map.forEach((k, val) -> {
            if (val == null) throw values.error(Locations.child(path, k), "needs a value");
        });
        return map;
    }

    ObjectNode logging(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        values.onlyKeys(in, path, Set.of("driver", "options"));
        ObjectNode out = Values.NODES.objectNode();
        if (in.has("driver")) out.put("driver", values.string(in.get("driver"), Locations.child(path, "driver")));
        if (in.has("options")) {
            if (!in.has("driver")) throw values.error(Locations.child(path, "options"), "options need a driver");
            out.set("options", Values.toObject(required(values.keyValues(in.get("options"), Locations.child(path, "options")),
                    Locations.child(path, "options"))));
        }
        return out;
    }

    /** The volume/bind/tmpfs sub-options of a long-syntax volume, as docker converts them; only with their own type. */
    ObjectNode mountOptions(String type, String sub, JsonNode v, String p) {
        if (!sub.equals(type)) throw values.error(p, sub + " options cannot be used with a volume of type " + type);
        ObjectNode in = values.object(v, p);
        ObjectNode out = Values.NODES.objectNode();
        switch (sub) {
            case "volume" -> {
                values.onlyKeys(in, p, Set.of("nocopy", "subpath"));
                if (in.has("nocopy")) out.put("nocopy", values.bool(in.get("nocopy"), Locations.child(p, "nocopy")));
                if (in.has("subpath")) out.put("subpath", values.string(in.get("subpath"), Locations.child(p, "subpath")));
            }
            case "bind" -> {
                values.onlyKeys(in, p, Set.of("propagation", "create_host_path"));
                if (in.has("propagation")) {
                    out.put("propagation", values.oneOf(in.get("propagation"), Locations.child(p, "propagation"),
                            List.of("private", "rprivate", "shared", "rshared", "slave", "rslave")));
                }
                if (in.has("create_host_path") && values.bool(in.get("create_host_path"), Locations.child(p, "create_host_path"))) {
                    throw values.error(Locations.child(p, "create_host_path"), "swarm services do not create bind sources (create the path on the nodes)");
                }
            }
            default -> {
                values.onlyKeys(in, p, Set.of("size", "mode"));
                if (in.has("size")) out.put("size", values.bytes(in.get("size"), Locations.child(p, "size")));
                if (in.has("mode")) out.put("mode", values.nonNegative(in.get("mode"), Locations.child(p, "mode")));
            }
        }
        return out;
    }
}
