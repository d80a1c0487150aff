package io.orch.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.parse.Capabilities;
import io.orch.cli.parse.Cpus;
import io.orch.cli.parse.ExtraHosts;
import io.orch.cli.parse.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a {@link StackFile} into the request bodies {@code docker stack deploy} sends for it
 * (docker/cli {@code cli/compose/convert}): networks, secrets and configs named
 * {@code STACK_NAME}, services {@code STACK_SERVICE} labelled with the namespace and image,
 * attached to their networks by name with the service name as alias. Pure apart from reading
 * the secret and config files.
 */
public final class StackConverter {
    /**
     * Docker's limit on a config's data (a secret's is half): a larger file would be refused by
     * the API anyway, so it is not read whole (a secret file pointed at /dev/zero must not
     * exhaust the heap).
     */
    static final int MAX_FILE_OBJECT_BYTES = 1000 * 1024;
    public static final String NAMESPACE_LABEL = "com.docker.stack.namespace";
    public static final String IMAGE_LABEL = "com.docker.stack.image";
    static final int DEFAULT_FILE_MODE = 0444;

    private final StackFile stack;
    private final String namespace;

    public StackConverter(StackFile stack, String namespace) {
        this.stack = stack;
        this.namespace = namespace;
    }

    /** A network the stack needs: created unless external (then it must exist). */
    public record NetworkPlan(String key, String name, boolean external, ObjectNode createBody) {}

    /** A secret or config of the stack: created (or its labels refreshed) unless external. */
    public record FilePlan(String key, String name, boolean external, ObjectNode createBody) {}

    public String scoped(String name) {
        return namespace + "_" + name;
    }

    /** Networks used by at least one service; "default" when a service names none. */
    public List<NetworkPlan> networks() {
        TreeSet<String> used = new TreeSet<>();
        stack.services().fields().forEachRemaining(e -> used.addAll(serviceNetworkKeys((ObjectNode) e.getValue())));
        List<NetworkPlan> out = new ArrayList<>();
        for (String key : used) {
            JsonNode n = stack.section("networks").path(key);
            boolean external = n.path("external").asBoolean(false);
            String name = networkName(key);
            if (external) {
                out.add(new NetworkPlan(key, name, true, null));
                continue;
            }
            ObjectNode body = Values.NODES.objectNode();
            body.put("Driver", n.path("driver").asText("overlay"));
            body.put("Scope", "");
            if (n.has("ipam")) {
                ObjectNode ipam = body.putObject("IPAM");
                ipam.put("Driver", n.path("ipam").path("driver").asText("default"));
                ArrayNode configs = ipam.putArray("Config");
                for (JsonNode c : n.path("ipam").path("config")) {
                    ObjectNode o = configs.addObject();
                    if (c.has("subnet")) o.put("Subnet", c.get("subnet").asText());
                    if (c.has("ip_range")) o.put("IPRange", c.get("ip_range").asText());
                    if (c.has("gateway")) o.put("Gateway", c.get("gateway").asText());
                }
                if (n.path("ipam").has("options")) ipam.set("Options", n.path("ipam").get("options").deepCopy());
            } else {
                body.putNull("IPAM");
            }
            body.put("Internal", n.path("internal").asBoolean(false));
            body.put("Attachable", n.path("attachable").asBoolean(false));
            body.put("Ingress", false);
            body.put("ConfigOnly", false);
            body.putNull("ConfigFrom");
            if (n.has("driver_opts")) body.set("Options", n.get("driver_opts").deepCopy()); else body.putNull("Options");
            body.set("Labels", withNamespace(n.path("labels")));
            body.put("Name", name);
            out.add(new NetworkPlan(key, name, false, body));
        }
        return out;
    }

    private List<String> serviceNetworkKeys(ObjectNode service) {
        List<String> keys = new ArrayList<>();
        service.path("networks").fieldNames().forEachRemaining(keys::add);
        if (keys.isEmpty()) {
            keys.add("default");
        }
        return keys;
    }

    private String networkName(String key) {
        JsonNode n = stack.section("networks").path(key);
        if (n.hasNonNull("name")) {
            return n.get("name").asText();
        }
        return n.path("external").asBoolean(false) ? key : scoped(key);
    }

    public List<FilePlan> secrets() {
        return files("secrets");
    }

    public List<FilePlan> configs() {
        return files("configs");
    }

    /** Every declared secret/config; file contents are read now, so a missing file fails before any write. */
    private List<FilePlan> files(String section) {
        List<FilePlan> out = new ArrayList<>();
        ObjectNode objects = stack.section(section);
        List<String> keys = new ArrayList<>();
        objects.fieldNames().forEachRemaining(keys::add);
        keys.sort(null);
        for (String key : keys) {
            JsonNode o = objects.get(key);
            String name = fileObjectName(section, key);
            if (o.path("external").asBoolean(false)) {
                out.add(new FilePlan(key, name, true, null));
                continue;
            }
            Path file = Path.of(o.path("file").asText());
            byte[] data;
            try {
                data = BoundedFiles.bytes(file, MAX_FILE_OBJECT_BYTES);
            } catch (BoundedFiles.TooLarge e) {
                throw stack.error(section + "." + key + ".file", file + ": " + e.getMessage() + ", more than the API takes");
            } catch (IOException e) {
                throw stack.error(section + "." + key + ".file", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            }
            ObjectNode body = Values.NODES.objectNode();
            body.put("Name", name);
            body.set("Labels", withNamespace(o.path("labels")));
            body.put("Data", Base64.getEncoder().encodeToString(data));
            out.add(new FilePlan(key, name, false, body));
        }
        return out;
    }

    private String fileObjectName(String section, String key) {
        JsonNode o = stack.section(section).path(key);
        if (o.hasNonNull("name")) {
            return o.get("name").asText();
        }
        return o.path("external").asBoolean(false) ? key : scoped(key);
    }

    /** The full names of the secrets (or configs) a service refers to. */
    public List<String> referencedNames(String serviceKey, String section) {
        TreeSet<String> names = new TreeSet<>();
        for (JsonNode ref : stack.services().path(serviceKey).path(section)) {
            names.add(fileObjectName(section, ref.path("source").asText()));
        }
        return new ArrayList<>(names);
    }

    public List<String> serviceKeys() {
        List<String> keys = new ArrayList<>();
        stack.services().fieldNames().forEachRemaining(keys::add);
        keys.sort(null);
        return keys;
    }

    /**
     * The ServiceSpec body for one service.
     *
     * @param secretIds full secret name to ID (the server's); configIds likewise
     */
    public ObjectNode service(String key, Map<String, String> secretIds, Map<String, String> configIds) {
        ObjectNode s = (ObjectNode) stack.services().get(key);
        JsonNode deploy = s.path("deploy");
        String image = s.get("image").asText();
        ObjectNode spec = Values.NODES.objectNode();
        spec.put("Name", scoped(key));
        ObjectNode labels = withNamespace(deploy.path("labels"));
        labels.put(IMAGE_LABEL, image);
        spec.set("Labels", sorted(labels));

        ObjectNode task = spec.putObject("TaskTemplate");
        task.set("ContainerSpec", containerSpec(key, s, secretIds, configIds));
        task.set("Resources", resources(deploy.path("resources")));
        if (deploy.has("restart_policy")) {
            task.set("RestartPolicy", restartPolicy(deploy.get("restart_policy")));
        }
        task.set("Placement", placement(deploy.path("placement")));
        task.set("Networks", networkAttachments(key, s));
        task.put("ForceUpdate", 0);
        if (s.has("logging")) {
            // docker: TaskTemplate.LogDriver {Name, Options} from the logging key
            ObjectNode driver = task.putObject("LogDriver").put("Name", s.get("logging").path("driver").asText(""));
            if (s.get("logging").has("options")) driver.set("Options", s.get("logging").get("options").deepCopy());
        }

        ObjectNode mode = spec.putObject("Mode");
        if (deploy.path("mode").asText("replicated").equals("global")) {
            mode.putObject("Global");
        } else {
            mode.putObject("Replicated").put("Replicas", deploy.path("replicas").asLong(1));
        }
        if (deploy.has("update_config")) spec.set("UpdateConfig", updateConfig(deploy.get("update_config")));
        if (deploy.has("rollback_config")) spec.set("RollbackConfig", updateConfig(deploy.get("rollback_config")));
        spec.set("EndpointSpec", endpoint(s, deploy));
        return spec;
    }

    private ObjectNode containerSpec(String key, ObjectNode s, Map<String, String> secretIds, Map<String, String> configIds) {
        ObjectNode c = Values.NODES.objectNode();
        c.put("Image", s.get("image").asText());
        c.set("Labels", sorted(withNamespace(s.path("labels"))));
        if (s.has("entrypoint")) c.set("Command", s.get("entrypoint").deepCopy());
        if (s.has("command")) c.set("Args", s.get("command").deepCopy());
        if (s.has("hostname")) c.put("Hostname", s.get("hostname").asText());
        if (s.has("environment") && !s.get("environment").isEmpty()) {
            List<String> env = new ArrayList<>();
            s.get("environment").fields().forEachRemaining(e ->
                    env.add(e.getValue().isNull() ? e.getKey() : e.getKey() + "=" + e.getValue().asText()));
            env.sort(null);
            c.set("Env", Values.toArray(env));
        }
        if (s.has("working_dir")) c.put("Dir", s.get("working_dir").asText());
        if (s.has("user")) c.put("User", s.get("user").asText());
        ArrayNode mounts = mounts(s);
        if (!mounts.isEmpty()) c.set("Mounts", mounts);
        if (s.has("stop_grace_period")) c.put("StopGracePeriod", Durations.parseNanos(s.get("stop_grace_period").asText()));
        if (s.has("stop_signal")) c.put("StopSignal", s.get("stop_signal").asText());
        if (s.has("read_only")) c.put("ReadOnly", s.get("read_only").asBoolean());
        ObjectNode privileges = c.putObject("Privileges");
        if (s.has("credential_spec")) {
            JsonNode cred = s.get("credential_spec");
            privileges.putObject("CredentialSpec").put(cred.has("file") ? "File" : "Registry", cred.path(cred.has("file") ? "file" : "registry").asText());
        } else {
            privileges.putNull("CredentialSpec");
        }
        privileges.putNull("SELinuxContext");
        privileges.put("NoNewPrivileges", false);
        if (s.has("init")) c.put("Init", s.get("init").asBoolean());
        if (s.has("healthcheck")) c.set("Healthcheck", healthcheck(s.get("healthcheck")));
        ArrayNode secrets = fileRefs(s.path("secrets"), "secrets", "SecretID", "SecretName", secretIds);
        if (!secrets.isEmpty()) c.set("Secrets", secrets);
        ArrayNode configs = fileRefs(s.path("configs"), "configs", "ConfigID", "ConfigName", configIds);
        if (!configs.isEmpty()) c.set("Configs", configs);
        if (s.has("tty")) c.put("TTY", s.get("tty").asBoolean());
        if (s.has("isolation")) c.put("Isolation", s.get("isolation").asText());
        if (s.has("oom_score_adj")) c.put("OomScoreAdj", s.get("oom_score_adj").asLong());
        if (s.has("cap_add") || s.has("cap_drop")) {
            Capabilities.Effective caps = Capabilities.effective(texts(s.path("cap_add")), texts(s.path("cap_drop")));
            if (!caps.add().isEmpty()) c.set("CapabilityAdd", Values.toArray(caps.add()));
            if (!caps.drop().isEmpty()) c.set("CapabilityDrop", Values.toArray(caps.drop()));
        }
        if (s.has("dns") || s.has("dns_search") || s.has("dns_opt")) {
            ObjectNode dns = c.putObject("DNSConfig");
            if (!s.path("dns").isEmpty()) dns.set("Nameservers", s.get("dns").deepCopy());
            if (!s.path("dns_search").isEmpty()) dns.set("Search", s.get("dns_search").deepCopy());
            if (!s.path("dns_opt").isEmpty()) dns.set("Options", s.get("dns_opt").deepCopy());
        }
        if (!s.path("extra_hosts").isEmpty()) {
            c.set("Hosts", Values.toArray(texts(s.get("extra_hosts")).stream().map(ExtraHosts::toSwarm).toList()));
        }
        if (!s.path("sysctls").isEmpty()) c.set("Sysctls", s.get("sysctls").deepCopy());
        if (s.has("ulimits") && !s.get("ulimits").isEmpty()) {
            ArrayNode u = c.putArray("Ulimits");
            s.get("ulimits").fields().forEachRemaining(e -> u.addObject().put("Name", e.getKey())
                    .put("Soft", e.getValue().path("soft").asLong()).put("Hard", e.getValue().path("hard").asLong()));
        }
        return c;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private ArrayNode fileRefs(JsonNode refs, String section, String idField, String nameField, Map<String, String> ids) {
        ArrayNode out = Values.NODES.arrayNode();
        for (JsonNode r : refs) {
            String source = r.path("source").asText();
            String name = fileObjectName(section, source);
            ObjectNode ref = out.addObject();
            ObjectNode file = ref.putObject("File");
            file.put("Name", r.path("target").asText(source));
            file.put("UID", r.path("uid").asText("0"));
            file.put("GID", r.path("gid").asText("0"));
            file.put("Mode", r.has("mode") ? r.get("mode").asLong() : DEFAULT_FILE_MODE);
            ref.put(idField, ids.getOrDefault(name, ""));
            ref.put(nameField, name);
        }
        return out;
    }

    private ArrayNode mounts(ObjectNode s) {
        ArrayNode out = Values.NODES.arrayNode();
        for (JsonNode v : s.path("volumes")) {
            ObjectNode m = out.addObject();
            String type = v.path("type").asText();
            m.put("Type", type);
            if (v.hasNonNull("source")) {
                String source = v.get("source").asText();
                if (type.equals("volume")) {
                    JsonNode decl = stack.section("volumes").path(source);
                    source = decl.hasNonNull("name") ? decl.get("name").asText()
                            : decl.path("external").asBoolean(false) ? source : scoped(source);
                }
                m.put("Source", source);
            }
            m.put("Target", v.path("target").asText());
            if (v.path("read_only").asBoolean(false)) m.put("ReadOnly", true);
            if (v.has("consistency")) m.put("Consistency", v.get("consistency").asText());
            if (v.has("bind")) {
                ObjectNode bind = m.putObject("BindOptions");
                if (v.get("bind").has("propagation")) bind.put("Propagation", v.get("bind").get("propagation").asText());
            }
            if (v.has("tmpfs")) {
                ObjectNode tmpfs = m.putObject("TmpfsOptions");
                if (v.get("tmpfs").has("size")) tmpfs.put("SizeBytes", v.get("tmpfs").get("size").asLong());
                if (v.get("tmpfs").has("mode")) tmpfs.put("Mode", v.get("tmpfs").get("mode").asLong());
            }
            if (type.equals("volume")) {
                JsonNode decl = v.hasNonNull("source") ? stack.section("volumes").path(v.get("source").asText()) : Values.NODES.objectNode();
                ObjectNode options = m.putObject("VolumeOptions");
                if (v.path("volume").path("nocopy").asBoolean(false)) options.put("NoCopy", true);
                if (v.path("volume").has("subpath")) options.put("Subpath", v.get("volume").get("subpath").asText());
                options.set("Labels", sorted(withNamespace(decl.path("labels"))));
                if (decl.has("driver")) {
                    ObjectNode driver = options.putObject("DriverConfig").put("Name", decl.get("driver").asText());
                    if (decl.has("driver_opts")) driver.set("Options", decl.get("driver_opts").deepCopy());
                }
            }
        }
        for (JsonNode t : s.path("tmpfs")) {
            out.addObject().put("Type", "tmpfs").put("Target", t.asText());
        }
        return out;
    }

    private static ObjectNode healthcheck(JsonNode h) {
        ObjectNode o = Values.NODES.objectNode();
        if (h.path("disable").asBoolean(false)) {
            o.set("Test", Values.toArray(List.of("NONE")));
            return o;
        }
        if (h.has("test")) o.set("Test", h.get("test").deepCopy());
        duration(h, "interval", o, "Interval");
        duration(h, "timeout", o, "Timeout");
        duration(h, "start_period", o, "StartPeriod");
        duration(h, "start_interval", o, "StartInterval");
        if (h.has("retries")) o.put("Retries", h.get("retries").asLong());
        return o;
    }

    private static ObjectNode resources(JsonNode r) {
        ObjectNode o = Values.NODES.objectNode();
        for (String[] k : new String[][] {{"limits", "Limits"}, {"reservations", "Reservations"}}) {
            if (!r.has(k[0])) continue;
            JsonNode in = r.get(k[0]);
            ObjectNode set = o.putObject(k[1]);
            if (in.has("cpus")) set.put("NanoCPUs", Cpus.parseNanoCpus(in.get("cpus").asText()));
            if (in.has("memory")) set.put("MemoryBytes", in.get("memory").asLong());
            if (in.has("pids")) set.put("Pids", in.get("pids").asLong());
        }
        return o;
    }

    private static ObjectNode restartPolicy(JsonNode r) {
        ObjectNode o = Values.NODES.objectNode();
        if (r.has("condition")) o.put("Condition", r.get("condition").asText());
        if (r.has("delay")) o.put("Delay", Durations.parseNanos(r.get("delay").asText()));
        if (r.has("max_attempts")) o.put("MaxAttempts", r.get("max_attempts").asLong());
        duration(r, "window", o, "Window");
        return o;
    }

    private static ObjectNode placement(JsonNode p) {
        ObjectNode o = Values.NODES.objectNode();
        if (p.has("constraints")) o.set("Constraints", p.get("constraints").deepCopy());
        if (p.has("preferences")) {
            ArrayNode prefs = o.putArray("Preferences");
            p.get("preferences").forEach(pref -> prefs.addObject().putObject("Spread").put("SpreadDescriptor", pref.path("spread").asText()));
        }
        if (p.has("max_replicas_per_node")) o.put("MaxReplicas", p.get("max_replicas_per_node").asLong());
        return o;
    }

    private ArrayNode networkAttachments(String key, ObjectNode s) {
        List<ObjectNode> out = new ArrayList<>();
        for (String net : serviceNetworkKeys(s)) {
            ObjectNode a = Values.NODES.objectNode();
            a.put("Target", networkName(net));
            ArrayNode aliases = a.putArray("Aliases");
            aliases.add(key);
            s.path("networks").path(net).path("aliases").forEach(al -> aliases.add(al.asText()));
            out.add(a);
        }
        out.sort(Comparator.comparing(a -> a.get("Target").asText()));
        ArrayNode array = Values.NODES.arrayNode();
        out.forEach(array::add);
        return array;
    }

    private static ObjectNode updateConfig(JsonNode u) {
        ObjectNode o = Values.NODES.objectNode();
        o.put("Parallelism", u.path("parallelism").asLong(1));
        duration(u, "delay", o, "Delay");
        if (u.has("failure_action")) o.put("FailureAction", u.get("failure_action").asText());
        duration(u, "monitor", o, "Monitor");
        double ratio = u.path("max_failure_ratio").asDouble(0);
        if (ratio == Math.rint(ratio)) {
            o.put("MaxFailureRatio", (long) ratio); // Go prints a whole float32 without ".0"
        } else {
            o.put("MaxFailureRatio", ratio);
        }
        if (u.has("order")) o.put("Order", u.get("order").asText());
        return o;
    }

    private static ObjectNode endpoint(ObjectNode s, JsonNode deploy) {
        ObjectNode o = Values.NODES.objectNode();
        if (deploy.has("endpoint_mode")) o.put("Mode", deploy.get("endpoint_mode").asText());
        if (s.has("ports") && !s.get("ports").isEmpty()) {
            List<ObjectNode> ports = new ArrayList<>();
            for (JsonNode p : s.get("ports")) {
                ObjectNode port = Values.NODES.objectNode();
                port.put("Protocol", p.path("protocol").asText("tcp"));
                port.put("TargetPort", p.path("target").asInt());
                if (p.has("published")) port.put("PublishedPort", p.get("published").asInt());
                port.put("PublishMode", p.path("mode").asText("ingress"));
                ports.add(port);
            }
            ports.sort(Comparator.comparingInt(p -> p.path("PublishedPort").asInt(0))); // docker sorts by published port
            ArrayNode array = o.putArray("Ports");
            ports.forEach(array::add);
        }
        return o;
    }

    /** Docker leaves zero durations out (omitempty), except RestartPolicy.Delay, a pointer where 0 means "at once". */
    private static void duration(JsonNode in, String key, ObjectNode out, String field) {
        if (in.has(key)) {
            long nanos = Durations.parseNanos(in.get(key).asText());
            if (nanos > 0) out.put(field, nanos);
        }
    }

    private ObjectNode withNamespace(JsonNode labels) {
        ObjectNode o = Values.NODES.objectNode();
        labels.fields().forEachRemaining(e -> o.put(e.getKey(), e.getValue().asText()));
        o.put(NAMESPACE_LABEL, namespace);
        return o;
    }

    private static ObjectNode sorted(ObjectNode o) {
        Map<String, JsonNode> m = new TreeMap<>();
        o.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        ObjectNode out = Values.NODES.objectNode();
        m.forEach(out::set);
        return out;
    }
}
