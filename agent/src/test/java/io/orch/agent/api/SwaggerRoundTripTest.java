package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.api.json.DockerJson;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every property of the request bodies orch accepts (ServiceSpec, NetworkCreateRequest,
 * SecretSpec, ConfigSpec, SwarmSpec), as the Docker Engine API's swagger v1.47 defines them
 * (swagger-1.47-samples.txt, derived by agent/src/test/swagger/derive_samples.py), is posted with
 * a value that is not Docker's default, one property per request, to the real API on a real
 * store. Each must either come back unchanged from inspect, or be refused with a 400 naming its
 * path: nothing accepted and dropped. The paths orch refuses are listed below with the reason, so
 * this list is also the record of what orch does not support.
 */
class SwaggerRoundTripTest {
    /** Refused, and why. Paths as in the samples file ([] is any element of a list). */
    private static final Map<String, String> REFUSED = new LinkedHashMap<>();

    /**
     * Refused on this branch because the model does not have them yet: the ContainerSpec/TaskSpec
     * fields another change adds (and the runc driver applies), and the job modes. Empty this list
     * when that is merged: each must then round-trip.
     */
    static {
        String plugins = "orch runs containers: no plugin or network-attachment tasks";
        for (String p : List.of("Name", "Remote", "Disabled", "PluginPrivilege[].Name", "PluginPrivilege[].Description",
                "PluginPrivilege[].Value")) {
            REFUSED.put("ServiceSpec TaskTemplate.PluginSpec." + p, plugins);
        }
        REFUSED.put("ServiceSpec TaskTemplate.NetworkAttachmentSpec.ContainerID", plugins);
        REFUSED.put("ServiceSpec TaskTemplate.ContainerSpec.OpenStdin", "swarm tasks have no stdin to keep open (Docker ignores it for services too)");
        REFUSED.put("ServiceSpec TaskTemplate.ContainerSpec.Mounts[].Consistency", "a Docker Desktop (macOS) option; orch mounts are always consistent");
        String windows = "a Windows container setting (gMSA credential specs, isolation modes); orch runs Linux containers";
        for (String p : List.of("Config", "File", "Registry")) {
            REFUSED.put("ServiceSpec TaskTemplate.ContainerSpec.Privileges.CredentialSpec." + p, windows);
        }
        REFUSED.put("ServiceSpec TaskTemplate.ContainerSpec.Isolation", windows + "; only \"default\"");
        REFUSED.put("ServiceSpec TaskTemplate.ContainerSpec.Privileges.Seccomp.Profile",
                "orch's runc tasks run without a seccomp filter, so a custom profile would not be applied");
        REFUSED.put("ServiceSpec TaskTemplate.ContainerSpec.Mounts[].VolumeOptions.DriverConfig.Options",
                "orch's only volume driver is local, and it takes no options");
        REFUSED.put("ServiceSpec TaskTemplate.LogDriver.Options",
                "orch's log files take only max-size, max-file and compress=false (the sample's option is none of them)");
        REFUSED.put("ServiceSpec TaskTemplate.ContainerSpec.Configs[].Runtime", "orch has no runtime configs (Windows credential specs)");
        for (String p : List.of("NamedResourceSpec.Kind", "NamedResourceSpec.Value", "DiscreteResourceSpec.Kind", "DiscreteResourceSpec.Value")) {
            REFUSED.put("ServiceSpec TaskTemplate.Resources.Reservations.GenericResources[]." + p,
                    "orch nodes advertise no generic resources, so such a task could never be placed");
        }
        REFUSED.put("ServiceSpec TaskTemplate.Networks[].DriverOpts", "orch's overlay driver takes no per-attachment options");
        REFUSED.put("ServiceSpec Networks[].DriverOpts", "orch's overlay driver takes no per-attachment options");

        REFUSED.put("NetworkCreateRequest Driver", "orch has only the overlay driver");
        REFUSED.put("NetworkCreateRequest Scope", "orch networks are swarm-scoped");
        REFUSED.put("NetworkCreateRequest ConfigOnly", "no config-only networks");
        REFUSED.put("NetworkCreateRequest ConfigFrom.Network", "no config-only networks to copy from");
        REFUSED.put("NetworkCreateRequest IPAM.Driver", "orch allocates addresses itself");
        REFUSED.put("NetworkCreateRequest IPAM.Options", "orch's allocator takes no options");
        REFUSED.put("NetworkCreateRequest IPAM.Config[].AuxiliaryAddresses", "orch reserves no auxiliary addresses");
        REFUSED.put("NetworkCreateRequest EnableIPv6", "orch overlay networks are IPv4 only");

        REFUSED.put("SecretSpec Driver.Name", "orch keeps secrets in its own store: no secret drivers");
        REFUSED.put("SecretSpec Driver.Options", "orch keeps secrets in its own store: no secret drivers");
        for (String kind : List.of("SecretSpec", "ConfigSpec")) {
            REFUSED.put(kind + " Templating.Name", "orch has no template drivers");
            REFUSED.put(kind + " Templating.Options", "orch has no template drivers");
        }

        String fixed = "fixed by orch's implementation; GET /swarm shows the value in use, an update may only repeat it";
        for (String p : List.of("Name", "Raft.SnapshotInterval", "Raft.KeepOldSnapshots", "Raft.LogEntriesForSlowFollowers",
                "Raft.ElectionTick", "Raft.HeartbeatTick", "Dispatcher.HeartbeatPeriod",
                "CAConfig.ExternalCAs[].URL", "CAConfig.ExternalCAs[].Options", "CAConfig.ExternalCAs[].CACert",
                "CAConfig.SigningCACert", "CAConfig.SigningCAKey",
                "TaskDefaults.LogDriver.Name", "TaskDefaults.LogDriver.Options")) {
            REFUSED.put("SwarmSpec " + p, fixed);
        }
    }

    /**
     * Samples replaced by a value orch's validation accepts (the generic sample is not a valid
     * value of the field); the property is still checked with a non-default value.
     */
    private static final Map<String, String> VALID_SAMPLE = Map.ofEntries(
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Env", "[\"A=1\"]"),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Dir", "\"/srv\""),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Mounts[].Target", "\"/data\""),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Mounts[].Type", "\"tmpfs\""),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.StopSignal", "\"SIGINT\""),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.HealthCheck.Test", "[\"CMD\",\"true\"]"),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Secrets[].File.UID", "\"7\""),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Secrets[].File.GID", "\"7\""),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Configs[].File.UID", "\"7\""),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Configs[].File.GID", "\"7\""),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Configs[].File.Name", "\"/etc/sample\""),
            Map.entry("ServiceSpec TaskTemplate.Placement.Constraints", "[\"node.role==worker\"]"),
            Map.entry("ServiceSpec TaskTemplate.Placement.Preferences[].Spread.SpreadDescriptor", "\"node.labels.zone\""),
            Map.entry("ServiceSpec TaskTemplate.Runtime", "\"runc\""),
            Map.entry("ServiceSpec TaskTemplate.Resources.Limits.MemoryBytes", "67108864"),
            Map.entry("ServiceSpec EndpointSpec.Ports[].PublishedPort", "8081"),
            Map.entry("ServiceSpec EndpointSpec.Mode", "\"dnsrr\""),
            Map.entry("ConfigSpec Data", "\"c2FtcGxl\""),
            Map.entry("SecretSpec Data", "\"c2FtcGxl\""),
            Map.entry("NetworkCreateRequest IPAM.Config[].Subnet", "\"10.9.0.0/24\""),
            Map.entry("NetworkCreateRequest IPAM.Config[].IPRange", "\"10.9.0.0/25\""),
            Map.entry("NetworkCreateRequest IPAM.Config[].Gateway", "\"10.9.0.1\""),
            Map.entry("SwarmSpec Orchestration.TaskHistoryRetentionLimit", "7"),
            Map.entry("SwarmSpec CAConfig.NodeCertExpiry", "3600000000000"),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Hosts", "[\"10.1.2.3 db.local\"]"),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.DNSConfig.Nameservers", "[\"10.9.8.7\"]"),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Sysctls", "{\"net.ipv4.ip_forward\":\"1\"}"),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.CapabilityAdd", "[\"CAP_NET_ADMIN\"]"),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.CapabilityDrop", "[\"CAP_CHOWN\"]"),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Ulimits[].Name", "\"nproc\""),
            Map.entry("ServiceSpec TaskTemplate.ContainerSpec.Mounts[].VolumeOptions.DriverConfig.Name", "\"local\""),
            Map.entry("ServiceSpec TaskTemplate.LogDriver.Name", "\"local\""));

    /**
     * An element base for one kind of property inside a list element: mount options belong to
     * mounts of their own type (a bind mount's options on a volume mount are refused).
     */
    private static final Map<String, String> ELEMENT_BASE_FOR = Map.of(
            "TaskTemplate.ContainerSpec.Mounts[].BindOptions",
            "{\"Type\":\"bind\",\"Source\":\"/tmp\",\"Target\":\"/m\",\"ReadOnly\":true}",
            "TaskTemplate.ContainerSpec.Mounts[].TmpfsOptions", "{\"Type\":\"tmpfs\",\"Target\":\"/m\"}");

    /** What a list's element holds besides the property under test, so the element is valid. */
    private static final Map<String, String> ELEMENT_BASE = Map.of(
            "TaskTemplate.ContainerSpec.Mounts[]", "{\"Type\":\"volume\",\"Source\":\"vol1\",\"Target\":\"/m\"}",
            "TaskTemplate.ContainerSpec.Secrets[]", "{\"SecretName\":\"sample\",\"File\":{\"Name\":\"s\",\"UID\":\"0\",\"GID\":\"0\",\"Mode\":256}}",
            "TaskTemplate.ContainerSpec.Configs[]", "{\"ConfigName\":\"sample\",\"File\":{\"Name\":\"/c\",\"UID\":\"0\",\"GID\":\"0\",\"Mode\":292}}",
            "TaskTemplate.Networks[]", "{\"Target\":\"sample\"}",
            "Networks[]", "{\"Target\":\"sample\"}",
            "EndpointSpec.Ports[]", "{\"Protocol\":\"tcp\",\"TargetPort\":80,\"PublishedPort\":8080,\"PublishMode\":\"host\"}",
            "TaskTemplate.Placement.Platforms[]", "{\"Architecture\":\"amd64\",\"OS\":\"linux\"}",
            "IPAM.Config[]", "{\"Subnet\":\"10.9.0.0/24\"}",
            "TaskTemplate.ContainerSpec.Ulimits[]", "{\"Name\":\"nofile\",\"Soft\":1,\"Hard\":200}");

    record Sample(String schema, String path, JsonNode value) {
        String key() {
            return schema + " " + path;
        }
    }

    static List<Sample> samples() throws Exception {
        List<Sample> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                SwaggerRoundTripTest.class.getResourceAsStream("swagger-1.47-samples.txt")), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                String valid = VALID_SAMPLE.get(f[0] + " " + f[1]);
                out.add(new Sample(f[0], f[1], DockerJson.MAPPER.readTree(valid != null ? valid : f[2])));
            }
        }
        return out;
    }

    @Test
    void everyPropertyRoundTripsOrIsRefusedNamingIt() throws Exception {
        List<Sample> samples = samples();
        assertTrue(samples.size() > 150, "samples: " + samples.size());
        List<String> wrong = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Sample s : samples) {
            seen.add(s.key());
            String outcome = outcome(s);
            boolean refusedExpected = REFUSED.containsKey(s.key());
            if (refusedExpected ? !outcome.equals("refused") : !outcome.equals("kept")) {
                wrong.add(s.key() + " = " + s.value() + ": " + outcome + (refusedExpected ? " (expected refused)" : ""));
            }
        }
        for (String listed : REFUSED.keySet()) {
            if (!seen.contains(listed)) {
                wrong.add(listed + ": listed as refused but not in the swagger samples");
            }
        }
        assertEquals(List.of(), wrong, String.join("\n", wrong));
    }

    @Test
    void aRefusalMustNameThePropertyNotJustItsBody() {
        assertTrue(named("invalid ServiceSpec: TaskTemplate.ContainerSpec.Sysctls.key1: not supported by orch",
                "TaskTemplate.ContainerSpec.Sysctls"));
        assertTrue(named("invalid ServiceSpec: TaskTemplate.ContainerSpec.Ulimits: not supported by orch",
                "TaskTemplate.ContainerSpec.Ulimits[].Soft"));
        assertTrue(!named("invalid ServiceSpec: TaskTemplate.ContainerSpec.Image: is required",
                "TaskTemplate.ContainerSpec.OpenStdin"));
        assertTrue(!named("invalid ServiceSpec: TaskTemplate.Resources: not supported by orch",
                "TaskTemplate.Resources.Reservations.GenericResources[].NamedResourceSpec.Kind"));
    }

    /** "kept", "refused", or what happened instead. */
    private String outcome(Sample s) throws Exception {
        try (ApiFixture api = new ApiFixture()) {
            if (s.schema().equals("ServiceSpec")) { // what a service's references name
                assertEquals(201, api.post("/v1.47/secrets/create", "{\"Name\":\"sample\",\"Data\":\"eA==\"}").status());
                assertEquals(201, api.post("/v1.47/configs/create", "{\"Name\":\"sample\",\"Data\":\"eA==\"}").status());
                assertEquals(201, api.post("/v1.47/networks/create", "{\"Name\":\"sample\",\"Driver\":\"overlay\"}").status());
            }
            if (s.key().equals("NetworkCreateRequest Ingress")) {
                // a cluster has one ingress network, made with it: the sample replaces it, as Docker's docs show
                assertEquals(204, api.call(io.netty.handler.codec.http.HttpMethod.DELETE, "/v1.47/networks/ingress", null).status());
            }
            ObjectNode body = base(api, s.schema());
            set(body, s.path(), s.value());
            ApiFixture.Reply reply = post(api, s.schema(), body);
            if (reply.status() == 400) {
                return named(reply.message(), s.path()) ? "refused" : "400 not naming it: " + reply.message();
            }
            if (reply.status() != 200 && reply.status() != 201) {
                return reply.status() + " " + reply.body();
            }
            JsonNode shown = at(inspect(api, s.schema(), reply), shownPath(s.path()));
            if (s.key().equals("NetworkCreateRequest Options") && shown instanceof ObjectNode options) {
                options.remove(NetworkRoutes.VXLANID_OPTION); // Docker shows the network's VXLAN id among its options too
            }
            JsonNode expected = expected(api, s);
            return expected.equals(shown) ? "kept" : "accepted but shown as " + shown + " (expected " + expected + ")";
        }
    }

    private static ObjectNode base(ApiFixture api, String schema) throws Exception {
        return (ObjectNode) switch (schema) {
            case "ServiceSpec" -> DockerJson.MAPPER.readTree("{\"Name\":\"svc\",\"TaskTemplate\":{\"ContainerSpec\":"
                    + "{\"Image\":\"busybox\"}},\"Mode\":{\"Replicated\":{\"Replicas\":1}}}");
            case "NetworkCreateRequest" -> DockerJson.MAPPER.readTree("{\"Name\":\"n1\",\"Driver\":\"overlay\"}");
            case "SecretSpec", "ConfigSpec" -> DockerJson.MAPPER.readTree("{\"Name\":\"obj\",\"Data\":\"eA==\"}");
            case "SwarmSpec" -> api.get("/v1.47/swarm").json().get("Spec").deepCopy();
            default -> throw new IllegalArgumentException(schema);
        };
    }

    private static ApiFixture.Reply post(ApiFixture api, String schema, ObjectNode body) {
        return switch (schema) {
            case "ServiceSpec" -> api.post("/v1.47/services/create", body.toString());
            case "NetworkCreateRequest" -> api.post("/v1.47/networks/create", body.toString());
            case "SecretSpec" -> api.post("/v1.47/secrets/create", body.toString());
            case "ConfigSpec" -> api.post("/v1.47/configs/create", body.toString());
            case "SwarmSpec" -> api.post("/v1.47/swarm/update?version="
                    + api.get("/v1.47/swarm").json().at("/Version/Index").asLong(), body.toString());
            default -> throw new IllegalArgumentException(schema);
        };
    }

    private static JsonNode inspect(ApiFixture api, String schema, ApiFixture.Reply created) {
        return switch (schema) {
            case "ServiceSpec" -> api.get("/v1.47/services/" + created.json().get("ID").asText() + "?insertDefaults=false").json().get("Spec");
            case "NetworkCreateRequest" -> api.get("/v1.47/networks/" + created.json().get("Id").asText()).json();
            case "SecretSpec" -> secretSpec(api, created.json().get("ID").asText());
            case "ConfigSpec" -> api.get("/v1.47/configs/" + created.json().get("ID").asText()).json().get("Spec");
            case "SwarmSpec" -> api.get("/v1.47/swarm").json().get("Spec");
            default -> throw new IllegalArgumentException(schema);
        };
    }

    /** Docker never shows a secret's Data; the stored spec is checked instead. */
    private static JsonNode secretSpec(ApiFixture api, String id) {
        ObjectNode spec = api.get("/v1.47/secrets/" + id).json().get("Spec").deepCopy();
        api.store.read(tx -> tx.secret(id)).ifPresent(s -> spec.put("Data", java.util.Base64.getEncoder()
                .encodeToString(s.getSpec().getData().toByteArray())));
        return spec;
    }

    /** References are stored by ID, as Docker stores them: the sample named the object "sample". */
    private static JsonNode expected(ApiFixture api, Sample s) {
        String id = switch (s.path()) {
            case "TaskTemplate.Networks[].Target", "Networks[].Target" -> api.get("/v1.47/networks/sample").json().get("Id").asText();
            case "TaskTemplate.ContainerSpec.Secrets[].SecretID" -> api.get("/v1.47/secrets/sample").json().get("ID").asText();
            case "TaskTemplate.ContainerSpec.Configs[].ConfigID" -> api.get("/v1.47/configs/sample").json().get("ID").asText();
            default -> null;
        };
        return id == null ? s.value() : DockerJson.MAPPER.getNodeFactory().textNode(id);
    }

    /** The deprecated top-level Networks are kept as TaskTemplate.Networks, as Docker does. */
    private static String shownPath(String path) {
        return path.startsWith("Networks[]") ? "TaskTemplate." + path : path;
    }

    /** Sets the property at {@code path}, making lists of one element (from ELEMENT_BASE) on the way. */
    private static void set(ObjectNode body, String path, JsonNode value) throws Exception {
        if (path.startsWith("Mode.")) {
            body.remove("Mode"); // one mode at a time
        }
        ObjectNode node = body;
        String[] parts = path.split("\\.");
        StringBuilder walked = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            walked.append(walked.length() == 0 ? "" : ".").append(part);
            boolean last = i == parts.length - 1;
            if (part.endsWith("[]")) {
                String name = part.substring(0, part.length() - 2);
                String base = i + 1 < parts.length ? ELEMENT_BASE_FOR.get(walked + "." + parts[i + 1]) : null;
                base = base != null ? base : ELEMENT_BASE.get(walked.toString());
                if (base == null) {
                    base = ELEMENT_BASE.getOrDefault(walked.toString().substring(walked.indexOf(".") + 1), "{}");
                }
                ArrayNode list = node.putArray(name);
                node = (ObjectNode) list.add(DockerJson.MAPPER.readTree(base)).get(0);
            } else if (last) {
                node.set(part, value);
            } else {
                node = node.get(part) instanceof ObjectNode o ? o : node.putObject(part);
            }
        }
    }

    private static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            if (node == null) {
                return null;
            }
            if (part.endsWith("[]")) {
                JsonNode list = field(node, part.substring(0, part.length() - 2));
                node = list == null || list.isEmpty() ? null : list.get(0);
            } else {
                node = field(node, part);
            }
        }
        return node;
    }

    /**
     * Keys match case-insensitively, as Go's encoding/json matches them: the swagger spells
     * ContainerSpec.HealthCheck where Docker's Go types (and so Docker and orch) print Healthcheck.
     */
    private static JsonNode field(JsonNode object, String name) {
        var it = object.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * The message names the property (a map property may be named by its key: Sysctls.key1), or
     * the list or object at most two levels up that holds it (a list is refused as a whole).
     */
    static boolean named(String message, String path) {
        String[] parts = path.split("\\.");
        for (int n = parts.length; n >= Math.max(1, parts.length - 2); n--) {
            String prefix = String.join(".", java.util.Arrays.copyOf(parts, n));
            for (String spelled : List.of(prefix.replace("[]", "[0]"), prefix.replace("[]", ""))) {
                if (message.contains(spelled + ":") || message.contains(spelled + "[0]:")
                        || (n == parts.length && message.contains(spelled + "."))) {
                    return true;
                }
            }
        }
        return false;
    }
}
