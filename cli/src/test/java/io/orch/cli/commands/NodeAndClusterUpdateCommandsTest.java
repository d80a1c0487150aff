package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.Fixtures;
import io.orch.cli.testing.RecordedRequest;
import io.orch.cli.testing.StubResponse;
import io.orch.cli.testing.UnixStubServer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code orch node update} and {@code orch cluster update}: read, change the spec, send it back with the version. */
class NodeAndClusterUpdateCommandsTest {
    private static final String NODE = "{\"ID\":\"n0de2worker00000000000000\",\"Version\":{\"Index\":42},"
            + "\"Spec\":{\"Labels\":{\"zone\":\"a\",\"disk\":\"ssd\"},\"Role\":\"worker\",\"Availability\":\"active\"},"
            + "\"Description\":{\"Hostname\":\"host2\"}}";
    private static final String SWARM = "{\"ID\":\"c1\",\"Version\":{\"Index\":7},"
            + "\"Spec\":{\"Name\":\"default\",\"Orchestration\":{\"TaskHistoryRetentionLimit\":5},\"SchedulerStrategy\":\"spread\"}}";

    private UnixStubServer agent;

    @BeforeEach
    void start() throws IOException {
        agent = new UnixStubServer(r -> {
            String t = r.decodedTarget();
            if (r.method().equals("GET") && t.equals("/v1.47/nodes/host2")) return StubResponse.ok(NODE);
            if (r.method().equals("GET") && t.equals("/v1.47/swarm")) return StubResponse.ok(SWARM);
            if (r.method().equals("POST") && (t.startsWith("/v1.47/nodes/") || t.startsWith("/v1.47/swarm/update"))) return StubResponse.ok("");
            return StubResponse.error(404, "page not found: " + r.method() + " " + t);
        });
    }

    @AfterEach
    void stop() throws IOException {
        agent.close();
    }

    private RecordedRequest last() {
        List<RecordedRequest> requests = agent.requests();
        return requests.get(requests.size() - 1);
    }

    @Test
    void nodeUpdateChangesLabelsAndAvailabilityAtTheReadVersion() throws IOException {
        CliRun r = CliRun.run("-H", agent.url(), "node", "update", "--label-add", "zone=eu", "--label-add", "gpu",
                "--label-rm", "disk", "--availability", "drain", "host2");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("host2", r.out().trim());
        assertEquals("POST /v1.47/nodes/n0de2worker00000000000000/update?version=42", last().toString());
        JsonNode spec = Fixtures.JSON.readTree(last().bodyText());
        assertEquals(Fixtures.JSON.readTree("{\"zone\":\"eu\",\"gpu\":\"\"}"), spec.path("Labels"));
        assertEquals("drain", spec.path("Availability").asText());
        assertEquals("worker", spec.path("Role").asText(), "the rest of the spec is sent back unchanged");
    }

    @Test
    void removingALabelTheNodeDoesNotHaveChangesNothing() {
        CliRun r = CliRun.run("-H", agent.url(), "node", "update", "--label-rm", "rack", "host2");
        assertEquals(1, r.exitCode());
        assertEquals(List.of("Error: key rack doesn't exist in node's labels"), r.errLines());
        assertTrue(agent.requests().stream().noneMatch(q -> q.method().equals("POST")));
    }

    @Test
    void badNodeUpdateFlagsAreUsageErrors() {
        CliRun availability = CliRun.run("-H", agent.url(), "node", "update", "--availability", "sleepy", "host2");
        assertEquals(2, availability.exitCode());
        assertEquals(1, availability.errLines().size(), availability.err());
        assertTrue(availability.err().contains("invalid availability: expected active or drain or pause"), availability.err());
        CliRun label = CliRun.run("-H", agent.url(), "node", "update", "--label-add", "=eu", "host2");
        assertEquals(2, label.exitCode());
        assertTrue(label.err().contains("invalid label \"=eu\": expected KEY=VALUE"), label.err());
        assertTrue(agent.requests().isEmpty(), "nothing sent");
    }

    @Test
    void clusterUpdateSetsTheSchedulerStrategy() throws IOException {
        CliRun r = CliRun.run("-H", agent.url(), "cluster", "update", "--scheduler-strategy", "binpack");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Cluster updated.", r.out().trim());
        assertEquals("POST /v1.47/swarm/update?version=7", last().toString());
        JsonNode spec = Fixtures.JSON.readTree(last().bodyText());
        assertEquals("binpack", spec.path("SchedulerStrategy").asText());
        assertEquals(5, spec.path("Orchestration").path("TaskHistoryRetentionLimit").asInt(), "the rest of the spec is kept");
    }

    @Test
    void clusterUpdateSetsTheTaskLimits() throws IOException {
        CliRun r = CliRun.run("-H", agent.url(), "cluster", "update", "--max-tasks", "20000", "--max-replicas-per-service", "5000");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode spec = Fixtures.JSON.readTree(last().bodyText());
        assertEquals(20000, spec.path("Limits").path("MaxTasks").asLong());
        assertEquals(5000, spec.path("Limits").path("MaxReplicasPerService").asLong());
        assertEquals(5, spec.path("Orchestration").path("TaskHistoryRetentionLimit").asInt(), "the rest of the spec is kept");

        CliRun negative = CliRun.run("-H", agent.url(), "cluster", "update", "--max-tasks", "-1");
        assertEquals(2, negative.exitCode(), negative.toString());
    }

    @Test
    void clusterUpdateSetsTheNodeCertificateExpiryInDockersDurationSyntax() throws IOException {
        CliRun r = CliRun.run("-H", agent.url(), "cluster", "update", "--cert-expiry", "720h");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode spec = Fixtures.JSON.readTree(last().bodyText());
        assertEquals(java.time.Duration.ofHours(720).toNanos(), spec.path("CAConfig").path("NodeCertExpiry").asLong());
        assertEquals(5, spec.path("Orchestration").path("TaskHistoryRetentionLimit").asInt(), "the rest of the spec is kept");

        CliRun bad = CliRun.run("-H", agent.url(), "cluster", "update", "--cert-expiry", "30d");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("unknown unit \"d\""), bad.err());
    }

    @Test
    void anUnknownStrategyIsAUsageError() {
        CliRun r = CliRun.run("-H", agent.url(), "cluster", "update", "--scheduler-strategy", "random");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("invalid scheduler strategy: expected binpack or spread"), r.err());
        assertTrue(agent.requests().isEmpty());
    }
}
