package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.NodeSpec;
import io.orch.api.proto.NodeStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays, in order, every request body the docker CLI 28 sent for the swarm commands (copied
 * from the recorded reference into docker-cli-28-bodies.txt) against the API, which reads bodies
 * strictly: each one must still be accepted. The recorded IDs and versions belonged to the
 * recording's daemon; the replay puts in this store's (objects are found by the name the body
 * carries), as the CLI would have read them first.
 */
class DockerCliBodiesReplayTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    record Recorded(String method, String path, ObjectNode body) {}

    static List<Recorded> recorded() throws Exception {
        List<Recorded> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                DockerCliBodiesReplayTest.class.getResourceAsStream("docker-cli-28-bodies.txt")), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] request = line.substring(0, line.indexOf('\t')).split(" ");
                out.add(new Recorded(request[0], request[1],
                        (ObjectNode) DockerJson.MAPPER.readTree(line.substring(line.indexOf('\t') + 1))));
            }
        }
        return out;
    }

    @Test
    void everyRecordedBodyIsAccepted() throws Exception {
        api.write(tx -> tx.create(ApiFixture.node(ApiFixture.WORKER, "host2", NodeSpec.Role.WORKER, NodeStatus.State.READY)));
        List<Recorded> bodies = recorded();
        assertTrue(bodies.size() >= 30, "the recording has " + bodies.size() + " bodies");
        int replayed = 0;
        for (Recorded r : bodies) {
            String path = r.path().replaceFirst("^/v1\\.\\d+", "");
            String uri = null;
            if (path.startsWith("/swarm/init")) {
                // POST /swarm/init is not this part's route; its Spec must read as a swarm spec
                ClusterSpec spec = DockerJson.mergeStrict(r.body().get("Spec"), ClusterSpec.newBuilder()).build();
                FixedSwarmSettings.checked(spec);
                replayed++;
                continue;
            } else if (path.startsWith("/swarm/join")) {
                continue; // no spec in it
            } else if (path.equals("/services/create")) {
                String name = r.body().get("Name").asText();
                if (api.get("/services/" + name).status() == 200) {
                    assertEquals(200, api.call(HttpMethod.DELETE, "/services/" + name, null).status());
                }
                removePublishersOfTheSamePorts(r.body());
                withReferenceIds(r.body());
                uri = path;
            } else if (path.startsWith("/services/")) {
                JsonNode current = api.get("/services/" + r.body().get("Name").asText()).json();
                withReferenceIds(r.body());
                uri = "/services/" + current.get("ID").asText() + "/update?"
                        + query(path).replaceFirst("version=\\d+", "version=" + current.at("/Version/Index").asLong());
            } else if (path.startsWith("/nodes/")) {
                JsonNode current = api.get("/nodes/" + ApiFixture.WORKER).json();
                uri = "/nodes/" + ApiFixture.WORKER + "/update?version=" + current.at("/Version/Index").asLong();
            } else if (path.matches("/(secrets|configs)/[^/]+/update.*")) {
                String kind = path.substring(1, path.indexOf('/', 1));
                JsonNode current = api.get("/" + kind + "/" + r.body().get("Name").asText()).json();
                uri = "/" + kind + "/" + current.get("ID").asText() + "/update?version=" + current.at("/Version/Index").asLong();
            } else {
                uri = path; // secrets, configs, networks create
            }
            ApiFixture.Reply reply = api.post("/v1.47" + uri, r.body().toString());
            assertTrue(reply.status() == 200 || reply.status() == 201,
                    r.method() + " " + r.path() + " -> " + reply.status() + " " + reply.body() + "\n   body: " + r.body());
            replayed++;
        }
        assertTrue(replayed >= 30, "replayed " + replayed);
    }

    /**
     * The recording's swarm commands ran one scenario after another, removing their services in
     * between; an ingress port is one service's at a time, so a service still holding a port the
     * next scenario publishes is removed first, as it was when the recording was made.
     */
    private void removePublishersOfTheSamePorts(ObjectNode spec) {
        java.util.Set<String> asked = new java.util.HashSet<>();
        spec.at("/EndpointSpec/Ports").forEach(p -> asked.add(p.path("PublishedPort").asText()));
        for (JsonNode s : api.get("/services").json()) {
            for (JsonNode p : s.at("/Endpoint/Ports")) {
                if ("ingress".equals(p.path("PublishMode").asText()) && asked.contains(p.path("PublishedPort").asText())) {
                    assertEquals(200, api.call(HttpMethod.DELETE, "/services/" + s.get("ID").asText(), null).status());
                    break;
                }
            }
        }
    }

    /** Secrets and configs by the IDs this store gave them (the body names them too). */
    private void withReferenceIds(ObjectNode spec) {
        JsonNode container = spec.at("/TaskTemplate/ContainerSpec");
        for (String kind : new String[] {"Secret", "Config"}) {
            for (JsonNode ref : container.path(kind + "s")) {
                String id = api.get("/" + kind.toLowerCase() + "s/" + ref.get(kind + "Name").asText()).json().get("ID").asText();
                ((ObjectNode) ref).put(kind + "ID", id);
            }
        }
    }

    private static String query(String path) {
        int q = path.indexOf('?');
        return q < 0 ? "" : path.substring(q + 1);
    }
}
