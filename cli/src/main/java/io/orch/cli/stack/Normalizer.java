package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.parse.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Checks one (interpolated) compose file against the part of the Compose specification Swarm
 * uses and rewrites it into one canonical shape: long syntax for ports, volumes, secrets and
 * configs; maps for environment, labels and networks; Go spellings for durations; absolute
 * paths for files. Canonical input comes out unchanged, which is what makes
 * {@code stack config} output load back to the same stack. Keys Swarm ignores are dropped
 * and reported; unknown keys are errors.
 */
final class Normalizer {
    static final Set<String> TOP_LEVEL = Set.of("version", "name", "services", "networks", "volumes", "secrets", "configs");
    static final List<String> SERVICE_KEYS = List.of("image", "entrypoint", "command", "environment", "env_file", "labels",
            "ports", "volumes", "secrets", "configs", "networks", "healthcheck", "deploy", "user", "working_dir", "hostname",
            "stop_grace_period", "stop_signal", "init", "read_only", "tmpfs", "ulimits", "depends_on",
            "cap_add", "cap_drop", "dns", "dns_opt", "dns_search", "extra_hosts", "sysctls", "tty", "logging", "privileged",
            "isolation", "oom_score_adj", "credential_spec");
    /** Keys of the compose format that a Swarm deployment ignores (docker warns about them too). */
    static final Set<String> IGNORED_SERVICE_KEYS = new TreeSet<>(List.of("build", "cgroup_parent",
            "cgroupns_mode", "container_name", "cpu_shares", "cpus", "devices",
            "domainname", "expose", "external_links", "ipc", "links",
            "mac_address", "mem_limit", "memswap_limit", "network_mode", "pid", "platform",
            "profiles", "pull_policy", "restart", "security_opt", "shm_size", "stdin_open", "userns_mode"));

    private final Values values;
    private final ContainerKeys containerKeys;
    private final Path baseDir;
    private final Function<String, String> env;
    private final Set<String> ignored;

    /**
     * @param baseDir relative paths (bind sources, env_file, secret and config files) start here
     * @param env     the variables bare environment entries take their value from
     * @param ignored collects "service.key" of every ignored key, for the one warning line
     */
    Normalizer(Locations locations, Path baseDir, Function<String, String> env, Set<String> ignored) {
        this.values = new Values(locations);
        this.containerKeys = new ContainerKeys(values);
        this.baseDir = baseDir;
        this.env = env;
        this.ignored = ignored;
    }

    ObjectNode file(ObjectNode root) {
        values.onlyKeys(root, "", TOP_LEVEL);
        ObjectNode out = Values.NODES.objectNode();
        if (root.has("version")) {
            out.put("version", values.string(root.get("version"), "version"));
        }
        if (root.has("name")) {
            out.put("name", values.string(root.get("name"), "name"));
        }
        out.set("services", section(root, "services", this::service));
        putIfNotEmpty(out, "networks", section(root, "networks", this::network));
        putIfNotEmpty(out, "volumes", section(root, "volumes", this::volume));
        putIfNotEmpty(out, "secrets", section(root, "secrets", (v, p) -> fileObject(v, p, "secret")));
        putIfNotEmpty(out, "configs", section(root, "configs", (v, p) -> fileObject(v, p, "config")));
        return out;
    }

    private interface Entry {
        ObjectNode apply(JsonNode value, String path);
    }

    private ObjectNode section(ObjectNode root, String key, Entry entry) {
        ObjectNode in = values.object(root.get(key), key);
        ObjectNode out = Values.NODES.objectNode();
        for (String name : sortedNames(in)) {
            if (name.startsWith("x-")) {
                continue;
            }
            out.set(name, entry.apply(in.get(name), Locations.child(key, name)));
        }
        return out;
    }

    // ------------------------------------------------------------------ services

    private ObjectNode service(JsonNode raw, String path) {
        ObjectNode in = values.object(raw, path);
        ObjectNode out = Values.NODES.objectNode();
        Iterator<String> keys = in.fieldNames();
        while (keys.hasNext()) {
            String k = keys.next();
            if (IGNORED_SERVICE_KEYS.contains(k)) {
                ignored.add(k);
            } else if (!SERVICE_KEYS.contains(k) && !k.startsWith("x-")) {
                throw values.error(Locations.child(path, k), "additional property " + k + " is not allowed");
            }
        }
        Map<String, String> environment = new TreeMap<>();
        for (String key : SERVICE_KEYS) {
            JsonNode v = in.get(key);
            String p = Locations.child(path, key);
            if (v == null) {
                continue;
            }
            switch (key) {
                case "image", "user", "working_dir", "hostname", "stop_signal" -> out.put(key, values.string(v, p));
                case "entrypoint", "command" -> out.set(key, command(v, p));
                case "env_file" -> {
                    List<String> files = values.strings(v, p);
                    for (int i = 0; i < files.size(); i++) {
                        environment.putAll(envFile(files.get(i), v.isArray() ? Locations.index(p, i) : p));
                    }
                }
                case "environment" -> { } // after env_file, which it overrides
                case "labels" -> out.set(key, Values.toObject(values.keyValues(v, p)));
                case "ports" -> out.set(key, ports(v, p));
                case "volumes" -> out.set(key, volumes(v, p));
                case "secrets", "configs" -> out.set(key, fileRefs(v, p));
                case "networks" -> out.set(key, serviceNetworks(v, p));
                case "healthcheck" -> out.set(key, healthcheck(v, p));
                case "deploy" -> out.set(key, deploy(v, p));
                case "stop_grace_period" -> out.put(key, Durations.format(values.duration(v, p)));
                case "init", "read_only" -> out.put(key, values.bool(v, p));
                case "tmpfs" -> out.set(key, Values.toArray(values.strings(v, p)));
                case "ulimits" -> out.set(key, ulimits(v, p));
                case "depends_on" -> out.set(key, dependsOn(v, p));
                case "cap_add", "cap_drop" -> out.set(key, containerKeys.capabilities(v, p));
                case "dns", "dns_opt", "dns_search" -> out.set(key, Values.toArray(values.strings(v, p)));
                case "isolation" -> out.put(key, values.oneOf(v, p, List.of("default", "process", "hyperv")));
                case "oom_score_adj" -> {
                    long n = values.integer(v, p);
                    if (n < -1000 || n > 1000) throw values.error(p, "must be from -1000 to 1000, got " + n);
                    out.put(key, n);
                }
                case "credential_spec" -> out.set(key, containerKeys.credentialSpec(v, p));
                case "extra_hosts" -> out.set(key, containerKeys.extraHosts(v, p));
                case "sysctls" -> out.set(key, Values.toObject(containerKeys.required(values.keyValues(v, p), p)));
                case "tty" -> out.put(key, values.bool(v, p));
                case "logging" -> out.set(key, containerKeys.logging(v, p));
                case "privileged" -> {
                    // docker drops it with a warning; a service that needs it would then fail in ways hard to trace
                    if (values.bool(v, p)) throw values.error(p, "privileged is not supported by swarm services (use cap_add)");
                }
                default -> throw new IllegalStateException(key);
            }
        }
        if (in.has("environment")) {
            environment.putAll(values.keyValues(in.get("environment"), Locations.child(path, "environment")));
        }
        if (in.has("environment") || in.has("env_file")) {
            environment.replaceAll((k, val) -> val != null ? val : env.apply(k));
            out.set("environment", Values.toObject(environment));
        }
        return reorder(out, SERVICE_KEYS);
    }

    private ArrayNode command(JsonNode v, String p) {
        if (v.isTextual()) {
            try {
                return Values.toArray(ShellWords.split(v.asText()));
            } catch (IllegalArgumentException e) {
                throw values.error(p, e.getMessage());
            }
        }
        return Values.toArray(values.list(v, p));
    }

    private Map<String, String> envFile(String name, String p) {
        Path file = resolve(name);
        try {
            return DotEnv.parse(BoundedFiles.text(file));
        } catch (BoundedFiles.TooLarge e) {
            throw values.error(p, "env file " + file + ": " + e.getMessage() + ", the most an env file may be");
        } catch (IOException e) {
            throw values.error(p, "cannot read env file " + file + ": " + e.getClass().getSimpleName());
        } catch (IllegalArgumentException e) {
            throw values.error(p, "env file " + file + ": " + e.getMessage());
        }
    }

    private ArrayNode ports(JsonNode v, String path) {
        ArrayNode out = Values.NODES.arrayNode();
        if (v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw values.error(path, "must be a list, got " + Values.describe(v));
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            String p = Locations.index(path, i);
            if (item.isObject()) {
                ObjectNode o = (ObjectNode) item;
                values.onlyKeys(o, p, Set.of("target", "published", "protocol", "mode"));
                if (!o.has("target")) {
                    throw values.error(p, "target is required");
                }
                out.add(port(values.oneOf(o.has("mode") ? o.get("mode") : Values.NODES.textNode("ingress"), Locations.child(p, "mode"), List.of("ingress", "host")),
                        port(o.get("target"), Locations.child(p, "target")),
                        o.has("published") && !o.get("published").isNull() ? port(o.get("published"), Locations.child(p, "published")) : 0,
                        values.oneOf(o.has("protocol") ? o.get("protocol") : Values.NODES.textNode("tcp"), Locations.child(p, "protocol"), List.of("tcp", "udp", "sctp"))));
            } else {
                shortPorts(values.string(item, p), p).forEach(out::add);
            }
        }
        return out;
    }

    private int port(JsonNode v, String p) {
        long n = values.integer(v, p);
        if (n < 1 || n > 65535) {
            throw values.error(p, "port must be 1..65535, got " + n);
        }
        return (int) n;
    }

    private static ObjectNode port(String mode, int target, int published, String protocol) {
        ObjectNode o = Values.NODES.objectNode().put("mode", mode).put("target", target);
        if (published > 0) {
            o.put("published", published);
        }
        return o.put("protocol", protocol);
    }

    /** {@code [HOST_IP:][PUBLISHED[-END]:]TARGET[-END][/PROTOCOL]}. */
    private List<ObjectNode> shortPorts(String spec, String p) {
        String protocol = "tcp";
        String s = spec.trim();
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            protocol = s.substring(slash + 1);
            s = s.substring(0, slash);
            if (!List.of("tcp", "udp", "sctp").contains(protocol)) {
                throw values.error(p, "invalid protocol \"" + protocol + "\" in \"" + spec + "\" (want tcp, udp or sctp)");
            }
        }
        String[] parts = s.split(":", -1);
        if (parts.length > 3) {
            throw values.error(p, "invalid port \"" + spec + "\" (want [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL])");
        }
        String target = parts[parts.length - 1];
        String published = parts.length >= 2 ? parts[parts.length - 2] : "";
        int[] t = range(target, spec, p);
        int[] pub = published.isEmpty() ? null : range(published, spec, p);
        if (pub != null && pub[1] - pub[0] != t[1] - t[0] && pub[0] != pub[1]) {
            throw values.error(p, "port ranges of different sizes in \"" + spec + "\"");
        }
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i <= t[1] - t[0]; i++) {
            int published_ = pub == null ? 0 : pub[0] == pub[1] ? pub[0] : pub[0] + i;
            out.add(port("ingress", t[0] + i, published_, protocol));
        }
        return out;
    }

    private int[] range(String text, String spec, String p) {
        try {
            String[] ends = text.split("-", -1);
            if (ends.length > 2) throw new NumberFormatException();
            int a = Integer.parseInt(ends[0]);
            int b = ends.length == 2 ? Integer.parseInt(ends[1]) : a;
            if (a < 1 || b > 65535 || b < a) throw new NumberFormatException();
            return new int[] {a, b};
        } catch (NumberFormatException e) {
            throw values.error(p, "invalid port \"" + spec + "\" (want [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL], ports 1..65535)");
        }
    }

    private ArrayNode volumes(JsonNode v, String path) {
        ArrayNode out = Values.NODES.arrayNode();
        if (v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw values.error(path, "must be a list, got " + Values.describe(v));
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            String p = Locations.index(path, i);
            ObjectNode o = Values.NODES.objectNode();
            if (item.isObject()) {
                ObjectNode in = (ObjectNode) item;
                values.onlyKeys(in, p, Set.of("type", "source", "target", "read_only", "volume", "bind", "tmpfs", "consistency"));
                String type = values.oneOf(in.has("type") ? in.get("type") : Values.NODES.textNode("volume"), Locations.child(p, "type"),
                        List.of("volume", "bind", "tmpfs"));
                if (!in.has("target")) {
                    throw values.error(p, "target is required");
                }
                o.put("type", type);
                if (in.has("source") && !in.get("source").isNull()) {
                    String source = values.string(in.get("source"), Locations.child(p, "source"));
                    o.put("source", type.equals("bind") ? resolve(source).toString() : source);
                } else if (type.equals("bind")) {
                    throw values.error(p, "source is required for a bind mount");
                }
                o.put("target", absoluteTarget(values.string(in.get("target"), Locations.child(p, "target")), Locations.child(p, "target")));
                if (in.has("read_only") && values.bool(in.get("read_only"), Locations.child(p, "read_only"))) {
                    o.put("read_only", true);
                }
                if (in.has("consistency")) {
                    o.put("consistency", values.oneOf(in.get("consistency"), Locations.child(p, "consistency"),
                            List.of("default", "consistent", "cached", "delegated")));
                }
                for (String sub : List.of("volume", "bind", "tmpfs")) {
                    if (in.has(sub)) {
                        o.set(sub, containerKeys.mountOptions(type, sub, in.get(sub), Locations.child(p, sub)));
                    }
                }
            } else {
                shortVolume(values.string(item, p), p, o);
            }
            out.add(o);
        }
        return out;
    }

    /** {@code TARGET}, {@code SOURCE:TARGET} or {@code SOURCE:TARGET:MODE}. */
    private void shortVolume(String spec, String p, ObjectNode o) {
        String[] parts = spec.split(":", -1);
        if (parts.length > 3 || spec.isBlank()) {
            throw values.error(p, "invalid volume \"" + spec + "\" (want [SOURCE:]TARGET[:MODE])");
        }
        if (parts.length == 1) {
            o.put("type", "volume").put("target", absoluteTarget(parts[0], p));
            return;
        }
        String source = parts[0];
        boolean bind = source.startsWith("/") || source.startsWith(".") || source.startsWith("~");
        o.put("type", bind ? "bind" : "volume");
        o.put("source", bind ? resolve(source).toString() : source);
        o.put("target", absoluteTarget(parts[1], p));
        if (parts.length == 3) {
            for (String flag : parts[2].split(",")) {
                switch (flag) {
                    case "ro" -> o.put("read_only", true);
                    case "rw", "z", "Z", "nocopy", "cached", "delegated", "consistent" -> { }
                    default -> throw values.error(p, "invalid volume mode \"" + flag + "\" in \"" + spec + "\" (want ro or rw)");
                }
            }
        }
    }

    private String absoluteTarget(String target, String p) {
        if (!target.startsWith("/")) {
            throw values.error(p, "target \"" + target + "\" must be an absolute path");
        }
        return target;
    }

    /** Secret and config references: {@code NAME} or {source, target, uid, gid, mode}. */
    private ArrayNode fileRefs(JsonNode v, String path) {
        ArrayNode out = Values.NODES.arrayNode();
        if (v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw values.error(path, "must be a list, got " + Values.describe(v));
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            String p = Locations.index(path, i);
            ObjectNode o = Values.NODES.objectNode();
            if (item.isObject()) {
                ObjectNode in = (ObjectNode) item;
                values.onlyKeys(in, p, Set.of("source", "target", "uid", "gid", "mode"));
                if (!in.has("source")) {
                    throw values.error(p, "source is required");
                }
                o.put("source", values.string(in.get("source"), Locations.child(p, "source")));
                for (String k : List.of("target", "uid", "gid")) {
                    if (in.has(k)) {
                        o.put(k, values.string(in.get(k), Locations.child(p, k)));
                    }
                }
                if (in.has("mode")) {
                    long mode = values.nonNegative(in.get("mode"), Locations.child(p, "mode"));
                    if (mode > 07777) {
                        throw values.error(Locations.child(p, "mode"), "file mode " + mode + " is out of range (write it in octal, e.g. 0440)");
                    }
                    o.put("mode", mode);
                }
            } else {
                o.put("source", values.string(item, p));
            }
            out.add(o);
        }
        return out;
    }

    private ObjectNode serviceNetworks(JsonNode v, String path) {
        ObjectNode out = Values.NODES.objectNode();
        if (v.isArray()) {
            List<String> names = values.strings(v, path);
            new TreeSet<>(names).forEach(n -> out.putObject(n));
            return out;
        }
        ObjectNode in = values.object(v, path);
        for (String name : sortedNames(in)) {
            String p = Locations.child(path, name);
            ObjectNode n = out.putObject(name);
            ObjectNode cfg = values.object(in.get(name), p);
            values.onlyKeys(cfg, p, Set.of("aliases", "ipv4_address", "ipv6_address"));
            if (cfg.has("aliases")) {
                n.set("aliases", Values.toArray(values.list(cfg.get("aliases"), Locations.child(p, "aliases"))));
            }
            for (String k : List.of("ipv4_address", "ipv6_address")) {
                if (cfg.has(k)) {
                    n.put(k, values.string(cfg.get(k), Locations.child(p, k)));
                }
            }
        }
        return out;
    }

    private ObjectNode healthcheck(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        values.onlyKeys(in, path, Set.of("test", "interval", "timeout", "start_period", "start_interval", "retries", "disable"));
        ObjectNode out = Values.NODES.objectNode();
        if (in.has("test")) {
            JsonNode t = in.get("test");
            String p = Locations.child(path, "test");
            ArrayNode test = t.isTextual() ? Values.toArray(List.of("CMD-SHELL", t.asText())) : Values.toArray(values.list(t, p));
            if (test.isEmpty()) {
                throw values.error(p, "must not be empty");
            }
            out.set("test", test);
        }
        for (String k : List.of("interval", "timeout", "start_period", "start_interval")) {
            if (in.has(k)) {
                out.put(k, Durations.format(values.duration(in.get(k), Locations.child(path, k))));
            }
        }
        if (in.has("retries")) {
            out.put("retries", values.nonNegative(in.get("retries"), Locations.child(path, "retries")));
        }
        if (in.has("disable")) {
            out.put("disable", values.bool(in.get("disable"), Locations.child(path, "disable")));
        }
        return out;
    }

    private ObjectNode deploy(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        List<String> keys = List.of("mode", "replicas", "labels", "resources", "restart_policy", "update_config",
                "rollback_config", "placement", "endpoint_mode");
        values.onlyKeys(in, path, Set.copyOf(keys));
        ObjectNode out = Values.NODES.objectNode();
        for (String k : keys) {
            JsonNode val = in.get(k);
            String p = Locations.child(path, k);
            if (val == null) {
                continue;
            }
            switch (k) {
                case "mode" -> {
                    String mode = values.string(val, p);
                    if (mode.equals("replicated-job") || mode.equals("global-job")) {
                        throw values.error(p, "mode " + mode + ": jobs are not supported by orch yet");
                    }
                    out.put(k, values.oneOf(val, p, List.of("replicated", "global")));
                }
                case "replicas" -> out.put(k, values.nonNegative(val, p));
                case "labels" -> out.set(k, Values.toObject(values.keyValues(val, p)));
                case "resources" -> out.set(k, resources(val, p));
                case "restart_policy" -> out.set(k, restartPolicy(val, p));
                case "update_config", "rollback_config" -> out.set(k, updateConfig(val, p));
                case "placement" -> out.set(k, placement(val, p));
                case "endpoint_mode" -> out.put(k, values.oneOf(val, p, List.of("vip", "dnsrr")));
                default -> throw new IllegalStateException(k);
            }
        }
        return out;
    }

    private ObjectNode resources(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        values.onlyKeys(in, path, Set.of("limits", "reservations"));
        ObjectNode out = Values.NODES.objectNode();
        for (String k : List.of("limits", "reservations")) {
            if (!in.has(k)) {
                continue;
            }
            String p = Locations.child(path, k);
            ObjectNode r = values.object(in.get(k), p);
            values.onlyKeys(r, p, k.equals("limits") ? Set.of("cpus", "memory", "pids") : Set.of("cpus", "memory"));
            ObjectNode o = out.putObject(k);
            if (r.has("cpus")) o.put("cpus", values.cpus(r.get("cpus"), Locations.child(p, "cpus")));
            if (r.has("memory")) o.put("memory", values.bytes(r.get("memory"), Locations.child(p, "memory")));
            if (r.has("pids")) o.put("pids", values.nonNegative(r.get("pids"), Locations.child(p, "pids")));
        }
        return out;
    }

    private ObjectNode restartPolicy(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        values.onlyKeys(in, path, Set.of("condition", "delay", "max_attempts", "window"));
        ObjectNode out = Values.NODES.objectNode();
        if (in.has("condition")) out.put("condition", values.oneOf(in.get("condition"), Locations.child(path, "condition"), List.of("none", "on-failure", "any")));
        if (in.has("delay")) out.put("delay", Durations.format(values.duration(in.get("delay"), Locations.child(path, "delay"))));
        if (in.has("max_attempts")) out.put("max_attempts", values.nonNegative(in.get("max_attempts"), Locations.child(path, "max_attempts")));
        if (in.has("window")) out.put("window", Durations.format(values.duration(in.get("window"), Locations.child(path, "window"))));
        return out;
    }

    private ObjectNode updateConfig(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        values.onlyKeys(in, path, Set.of("parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order"));
        ObjectNode out = Values.NODES.objectNode();
        if (in.has("parallelism")) out.put("parallelism", values.nonNegative(in.get("parallelism"), Locations.child(path, "parallelism")));
        if (in.has("delay")) out.put("delay", Durations.format(values.duration(in.get("delay"), Locations.child(path, "delay"))));
        if (in.has("failure_action")) out.put("failure_action", values.oneOf(in.get("failure_action"), Locations.child(path, "failure_action"), List.of("continue", "rollback", "pause")));
        if (in.has("monitor")) out.put("monitor", Durations.format(values.duration(in.get("monitor"), Locations.child(path, "monitor"))));
        if (in.has("max_failure_ratio")) {
            String p = Locations.child(path, "max_failure_ratio");
            double r = values.number(in.get("max_failure_ratio"), p);
            if (!(r >= 0 && r <= 1)) {
                throw values.error(p, "must be between 0 and 1, got " + r);
            }
            out.put("max_failure_ratio", r);
        }
        if (in.has("order")) out.put("order", values.oneOf(in.get("order"), Locations.child(path, "order"), List.of("start-first", "stop-first")));
        return out;
    }

    private ObjectNode placement(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        values.onlyKeys(in, path, Set.of("constraints", "preferences", "max_replicas_per_node"));
        ObjectNode out = Values.NODES.objectNode();
        if (in.has("constraints")) {
            out.set("constraints", Values.toArray(values.list(in.get("constraints"), Locations.child(path, "constraints"))));
        }
        if (in.has("preferences")) {
            String p = Locations.child(path, "preferences");
            JsonNode prefs = in.get("preferences");
            if (!prefs.isArray()) throw values.error(p, "must be a list, got " + Values.describe(prefs));
            ArrayNode a = out.putArray("preferences");
            for (int i = 0; i < prefs.size(); i++) {
                String ip = Locations.index(p, i);
                ObjectNode pref = values.object(prefs.get(i), ip);
                values.onlyKeys(pref, ip, Set.of("spread"));
                if (!pref.has("spread")) throw values.error(ip, "spread is required");
                a.addObject().put("spread", values.string(pref.get("spread"), Locations.child(ip, "spread")));
            }
        }
        if (in.has("max_replicas_per_node")) {
            out.put("max_replicas_per_node", values.nonNegative(in.get("max_replicas_per_node"), Locations.child(path, "max_replicas_per_node")));
        }
        return out;
    }

    private ObjectNode ulimits(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        ObjectNode out = Values.NODES.objectNode();
        for (String name : sortedNames(in)) {
            String p = Locations.child(path, name);
            JsonNode u = in.get(name);
            if (u.isObject()) {
                values.onlyKeys((ObjectNode) u, p, Set.of("soft", "hard"));
                if (!u.has("soft") || !u.has("hard")) throw values.error(p, "needs both soft and hard");
                out.putObject(name).put("soft", values.integer(u.get("soft"), Locations.child(p, "soft")))
                        .put("hard", values.integer(u.get("hard"), Locations.child(p, "hard")));
            } else {
                long n = values.integer(u, p);
                out.putObject(name).put("soft", n).put("hard", n);
            }
        }
        return out;
    }

    private ArrayNode dependsOn(JsonNode v, String path) {
        Set<String> names = new TreeSet<>();
        if (v.isObject()) {
            v.fieldNames().forEachRemaining(names::add);
        } else {
            names.addAll(values.list(v, path));
        }
        return Values.toArray(new ArrayList<>(names));
    }

    // ------------------------------------------------------------------ top-level objects

    private ObjectNode network(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        values.onlyKeys(in, path, Set.of("driver", "driver_opts", "attachable", "internal", "labels", "external", "name", "ipam", "enable_ipv6"));
        ObjectNode out = Values.NODES.objectNode();
        if (in.has("name")) out.put("name", values.string(in.get("name"), Locations.child(path, "name")));
        external(in, path, out);
        if (in.has("driver")) out.put("driver", values.string(in.get("driver"), Locations.child(path, "driver")));
        if (in.has("driver_opts")) out.set("driver_opts", stringMap(in.get("driver_opts"), Locations.child(path, "driver_opts")));
        for (String k : List.of("attachable", "internal", "enable_ipv6")) {
            if (in.has(k)) out.put(k, values.bool(in.get(k), Locations.child(path, k)));
        }
        if (in.has("labels")) out.set("labels", Values.toObject(values.keyValues(in.get("labels"), Locations.child(path, "labels"))));
        if (in.has("ipam")) {
            String p = Locations.child(path, "ipam");
            ObjectNode ipam = values.object(in.get("ipam"), p);
            values.onlyKeys(ipam, p, Set.of("driver", "config", "options"));
            ObjectNode o = out.putObject("ipam");
            if (ipam.has("driver")) o.put("driver", values.string(ipam.get("driver"), Locations.child(p, "driver")));
            if (ipam.has("config")) {
                String cp = Locations.child(p, "config");
                JsonNode cfg = ipam.get("config");
                if (!cfg.isArray()) throw values.error(cp, "must be a list, got " + Values.describe(cfg));
                ArrayNode a = o.putArray("config");
                for (int i = 0; i < cfg.size(); i++) {
                    String ip = Locations.index(cp, i);
                    ObjectNode c = values.object(cfg.get(i), ip);
                    values.onlyKeys(c, ip, Set.of("subnet", "ip_range", "gateway"));
                    ObjectNode co = a.addObject();
                    for (String k : List.of("subnet", "ip_range", "gateway")) {
                        if (c.has(k)) co.put(k, values.string(c.get(k), Locations.child(ip, k)));
                    }
                }
            }
            if (ipam.has("options")) o.set("options", stringMap(ipam.get("options"), Locations.child(p, "options")));
        }
        return out;
    }

    private ObjectNode volume(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        values.onlyKeys(in, path, Set.of("driver", "driver_opts", "external", "labels", "name"));
        ObjectNode out = Values.NODES.objectNode();
        if (in.has("name")) out.put("name", values.string(in.get("name"), Locations.child(path, "name")));
        external(in, path, out);
        if (in.has("driver")) out.put("driver", values.string(in.get("driver"), Locations.child(path, "driver")));
        if (in.has("driver_opts")) out.set("driver_opts", stringMap(in.get("driver_opts"), Locations.child(path, "driver_opts")));
        if (in.has("labels")) out.set("labels", Values.toObject(values.keyValues(in.get("labels"), Locations.child(path, "labels"))));
        return out;
    }

    /** Secrets and configs: exactly one of {@code file} and {@code external}. */
    private ObjectNode fileObject(JsonNode v, String path, String kind) {
        ObjectNode in = values.object(v, path);
        values.onlyKeys(in, path, Set.of("file", "external", "name", "labels"));
        ObjectNode out = Values.NODES.objectNode();
        if (in.has("name")) out.put("name", values.string(in.get("name"), Locations.child(path, "name")));
        external(in, path, out);
        boolean external = out.path("external").asBoolean(false);
        if (in.has("file")) {
            if (external) {
                throw values.error(Locations.child(path, "file"), "an external " + kind + " cannot have a file");
            }
            out.put("file", resolve(values.string(in.get("file"), Locations.child(path, "file"))).toString());
        } else if (!external) {
            throw values.error(path, "a " + kind + " needs a file (or external: true)");
        }
        if (in.has("labels")) out.set("labels", Values.toObject(values.keyValues(in.get("labels"), Locations.child(path, "labels"))));
        return out;
    }

    /** {@code external: true} or the old {@code external: {name: x}} (becomes external + name). */
    private void external(ObjectNode in, String path, ObjectNode out) {
        if (!in.has("external")) {
            return;
        }
        String p = Locations.child(path, "external");
        JsonNode e = in.get("external");
        if (e.isObject()) {
            values.onlyKeys((ObjectNode) e, p, Set.of("name"));
            out.put("external", true);
            if (e.has("name")) {
                out.put("name", values.string(e.get("name"), Locations.child(p, "name")));
            }
        } else if (values.bool(e, p)) {
            out.put("external", true);
        }
    }

    private ObjectNode stringMap(JsonNode v, String path) {
        ObjectNode in = values.object(v, path);
        Map<String, String> out = new TreeMap<>();
        in.fields().forEachRemaining(e -> out.put(e.getKey(), values.string(e.getValue(), Locations.child(path, e.getKey()))));
        return Values.toObject(out);
    }

    // ------------------------------------------------------------------ helpers

    private Path resolve(String name) {
        String n = name;
        if (n.startsWith("~/")) {
            String home = env.apply("HOME");
            n = (home == null ? System.getProperty("user.home") : home) + n.substring(1);
        }
        return baseDir.resolve(n).toAbsolutePath().normalize();
    }

    private static List<String> sortedNames(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    private static void putIfNotEmpty(ObjectNode out, String key, ObjectNode value) {
        if (!value.isEmpty()) {
            out.set(key, value);
        }
    }

    static ObjectNode reorder(ObjectNode o, List<String> order) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
        ObjectNode out = Values.NODES.objectNode();
        Set<String> done = new LinkedHashSet<>();
        for (String k : order) {
            if (fields.containsKey(k)) {
                out.set(k, fields.get(k));
                done.add(k);
            }
        }
        fields.forEach((k, v) -> {
            if (!done.contains(k)) out.set(k, v);
        });
        return out;
    }
}
