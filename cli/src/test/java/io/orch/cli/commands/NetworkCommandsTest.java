package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.Fixtures;
import io.orch.cli.testing.RecordedRequest;
import io.orch.cli.testing.StubResponse;
import io.orch.cli.testing.UnixStubServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code orch network create|ls|inspect|rm} against a stand-in for the agent's /networks. */
class NetworkCommandsTest {
    private final Map<String, ObjectNode> networks = new LinkedHashMap<>();
    private final List<String> creates = new ArrayList<>();
    private UnixStubServer server;

    @BeforeEach
    void start() throws IOException {
        server = new UnixStubServer(this::answer);
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private synchronized StubResponse answer(RecordedRequest r) {
        String t = r.decodedTarget();
        String path = t.contains("?") ? t.substring(0, t.indexOf('?')) : t;
        if (r.method().equals("POST") && path.equals("/v1.47/networks/create")) {
            creates.add(r.bodyText());
            JsonNode body = Fixtures.parse(r.bodyText());
            if (body.path("Options").has("encrypted")) {
                return StubResponse.error(400, "invalid network spec: Options.encrypted: encrypted overlay networks are not available");
            }
            String id = String.format("net%022d", networks.size() + 1);
            ObjectNode n = Fixtures.JSON.createObjectNode().put("Name", body.path("Name").asText()).put("Id", id)
                    .put("Scope", "swarm").put("Driver", body.path("Driver").asText());
            JsonNode config = body.path("IPAM").path("Config").path(0);
            ObjectNode c = n.putObject("IPAM").put("Driver", "default").putArray("Config").addObject();
            c.put("Subnet", config.path("Subnet").asText("10.0." + networks.size() + ".0/24"));
            networks.put(id, n);
            return StubResponse.json(201, "{\"Id\":\"" + id + "\",\"Warning\":\"\"}");
        }
        if (r.method().equals("GET") && path.equals("/v1.47/networks")) {
            ArrayNode all = Fixtures.JSON.createArrayNode();
            networks.values().stream().filter(n -> !t.contains("name") || t.contains(n.path("Name").asText())).forEach(all::add);
            return StubResponse.ok(all.toString());
        }
        String key = path.substring(path.lastIndexOf('/') + 1);
        ObjectNode n = networks.values().stream().filter(x -> x.path("Id").asText().equals(key) || x.path("Name").asText().equals(key))
                .findFirst().orElse(null);
        if (n == null) {
            return StubResponse.error(404, "network " + key + " not found");
        }
        if (r.method().equals("GET")) {
            return StubResponse.ok(n.toString());
        }
        if (r.method().equals("DELETE")) {
            if (n.path("Name").asText().equals("busy")) {
                return StubResponse.error(409, "network busy is in use by service web");
            }
            networks.remove(n.path("Id").asText());
            return StubResponse.json(204, "");
        }
        return StubResponse.error(404, "page not found");
    }

    private CliRun orch(String... args) {
        List<String> all = new ArrayList<>(List.of("-H", server.url()));
        all.addAll(List.of(args));
        return CliRun.run(all.toArray(String[]::new));
    }

    @Test
    void createSendsTheAddressingLabelsAndOptionsAndPrintsTheId() {
        CliRun r = orch("network", "create", "-d", "overlay", "--subnet", "10.9.0.0/16", "--gateway", "10.9.0.254",
                "--ip-range", "10.9.1.0/24", "--attachable", "--label", "team=a", "--opt", "com.example.mtu=1400", "front");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("net0000000000000000000001"), r.outLines());
        assertEquals(Fixtures.parse("{\"Name\":\"front\",\"Driver\":\"overlay\",\"Attachable\":true,"
                        + "\"IPAM\":{\"Driver\":\"default\",\"Config\":[{\"Subnet\":\"10.9.0.0/16\",\"IPRange\":\"10.9.1.0/24\","
                        + "\"Gateway\":\"10.9.0.254\"}]},\"Options\":{\"com.example.mtu\":\"1400\"},\"Labels\":{\"team\":\"a\"}}"),
                Fixtures.parse(creates.get(0)));
    }

    @Test
    void withoutASubnetTheConfigListIsEmptySoTheAgentPicksFromThePool() {
        assertEquals(0, orch("network", "create", "back").exitCode());
        assertEquals("[]", Fixtures.parse(creates.get(0)).path("IPAM").path("Config").toString());
    }

    @Test
    void aRefusalIsOneLineFromTheDaemonAndExitOne() {
        CliRun r = orch("network", "create", "--opt", "encrypted", "secret");
        assertEquals(1, r.exitCode());
        assertEquals(List.of("Error response from daemon: invalid network spec: Options.encrypted: encrypted overlay networks are not available"),
                r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void lsShowsATableJsonOrIdsAndPassesFilters() {
        orch("network", "create", "front");
        orch("network", "create", "--subnet", "10.7.0.0/24", "back");
        CliRun table = orch("network", "ls");
        assertEquals(0, table.exitCode(), table.toString());
        assertTrue(table.outLines().get(0).startsWith("NETWORK ID"), table.out());
        assertTrue(table.outLines().get(2).contains("back") && table.outLines().get(2).contains("10.7.0.0/24"), table.out());
        assertEquals(List.of("net0000000000000000000001", "net0000000000000000000002"), orch("network", "ls", "-q").outLines());
        assertEquals(2, Fixtures.parse(orch("network", "ls", "--format", "json").out()).size());
        assertEquals(List.of("net0000000000000000000002"), orch("network", "ls", "-q", "--filter", "name=back").outLines());
        assertEquals(2, orch("network", "ls", "--format", "yaml").exitCode(), "a bad format is a usage error");
    }

    @Test
    void inspectPrintsAnArrayAndNamesWhatWasNotFound() {
        orch("network", "create", "front");
        CliRun r = orch("network", "inspect", "front", "nope");
        assertEquals(1, r.exitCode());
        assertEquals("front", Fixtures.parse(r.out()).get(0).path("Name").asText());
        assertEquals(List.of("Error response from daemon: network nope not found"), r.errLines());
    }

    @Test
    void rmRemovesEachAndReportsTheOnesInUse() {
        orch("network", "create", "front");
        orch("network", "create", "busy");
        CliRun r = orch("network", "rm", "front", "busy");
        assertEquals(1, r.exitCode());
        assertEquals(List.of("front"), r.outLines());
        assertEquals(List.of("Error response from daemon: network busy is in use by service web"), r.errLines());
        assertEquals(List.of("net0000000000000000000002"), orch("network", "ls", "-q").outLines());
    }
}
