package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One agent's Docker-Engine-compatible API, however the test reaches it (loopback from this JVM,
 * or curl inside a network namespace). Calls never throw for an unreachable node: they answer
 * {@link Reply#NO_ANSWER}, because "the node did not answer" is something these tests assert on.
 */
interface NodeApi {
    ObjectMapper JSON = new ObjectMapper();
    String VERSION_PREFIX = "/v1.47";
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** @param status the HTTP status, or {@link #NO_ANSWER} (refused, reset or timed out; body says why) */
    record Reply(int status, String body) {
        static final int NO_ANSWER = 0;

        boolean ok() {
            return status / 100 == 2;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return (status == NO_ANSWER ? "no answer" : String.valueOf(status)) + " " + body.strip();
        }
    }

    /** {@code path} is relative to the versioned API root, e.g. "/nodes"; a null body sends none. */
    Reply call(String method, String path, String jsonBody, Duration timeout);

    default Reply call(String method, String path, String jsonBody) {
        return call(method, path, jsonBody, DEFAULT_TIMEOUT);
    }

    /** GET that must answer 200 with JSON; anything else is an AssertionError naming the reply. */
    default JsonNode get(String path) {
        Reply r = call("GET", path, null);
        if (r.status() != 200) {
            throw new AssertionError("GET " + path + " -> " + r);
        }
        return r.json();
    }

    default boolean pingable() {
        Reply r = call("GET", "/_ping", null, Duration.ofSeconds(2));
        return r.status() == 200;
    }

    default List<ClusterNodeView> nodes() {
        List<ClusterNodeView> out = new ArrayList<>();
        get("/nodes").forEach(n -> out.add(new ClusterNodeView(n)));
        return out;
    }

    default Optional<ClusterNodeView> node(String hostname) {
        return nodes().stream().filter(n -> n.hostname().equals(hostname)).findFirst();
    }

    default List<String> serviceNames() {
        List<String> names = new ArrayList<>();
        get("/services").forEach(s -> names.add(s.path("Spec").path("Name").asText()));
        return names;
    }

    default ArrayNode tasksOf(String service) {
        String filter = URLEncoder.encode("{\"service\":{\"" + service + "\":true}}", StandardCharsets.UTF_8);
        return (ArrayNode) get("/tasks?filters=" + filter);
    }

    /**
     * A replicated service run by the process runtime: {@code sleep TAG}. The tag is unique per
     * service, so the test can count the service's real processes on this host.
     */
    default Reply createSleepService(String name, int replicas, String tag) {
        var spec = JSON.createObjectNode();
        spec.put("Name", name);
        var template = spec.putObject("TaskTemplate");
        var container = template.putObject("ContainerSpec");
        container.put("Image", "busybox");
        container.putArray("Args").add("sleep").add(tag);
        template.put("Runtime", "process");
        spec.putObject("Mode").putObject("Replicated").put("Replicas", replicas);
        return call("POST", "/services/create", spec.toString());
    }
}
