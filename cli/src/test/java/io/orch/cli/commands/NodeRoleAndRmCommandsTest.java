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

/** {@code orch node promote|demote|rm}: the requests docker sends, docker's output, the agent's refusals as one line each. */
class NodeRoleAndRmCommandsTest {
    private static final String WORKER = "{\"ID\":\"n0de2worker00000000000000\",\"Version\":{\"Index\":42},"
            + "\"Spec\":{\"Labels\":{\"zone\":\"a\"},\"Role\":\"worker\",\"Availability\":\"drain\"},"
            + "\"Description\":{\"Hostname\":\"host2\"}}";
    private static final String MANAGER = "{\"ID\":\"n0de1selfid0000000000000a\",\"Version\":{\"Index\":7},"
            + "\"Spec\":{\"Labels\":{},\"Role\":\"manager\",\"Availability\":\"active\"},"
            + "\"Description\":{\"Hostname\":\"host1\"}}";

    private UnixStubServer agent;

    @BeforeEach
    void start() throws IOException {
        agent = new UnixStubServer(r -> {
            String t = r.decodedTarget();
            if (r.method().equals("GET") && t.equals("/v1.47/nodes/host2")) return StubResponse.ok(WORKER);
            if (r.method().equals("GET") && t.equals("/v1.47/nodes/host1")) return StubResponse.ok(MANAGER);
            if (r.method().equals("POST") && t.startsWith("/v1.47/nodes/n0de1selfid0000000000000a/update")) {
                return StubResponse.error(400, "attempting to demote the last manager of the swarm");
            }
            if (r.method().equals("POST") && t.startsWith("/v1.47/nodes/")) return StubResponse.ok("");
            if (r.method().equals("DELETE") && t.startsWith("/v1.47/nodes/host2")) return StubResponse.ok("");
            if (r.method().equals("DELETE") && t.startsWith("/v1.47/nodes/busy")) {
                return StubResponse.error(400, "node n0debusy is not down and can't be removed");
            }
            return StubResponse.error(404, "node " + t.substring(t.lastIndexOf('/') + 1).replaceAll("\\?.*", "") + " not found");
        });
    }

    @AfterEach
    void stop() throws IOException {
        agent.close();
    }

    private List<String> writes() {
        return agent.requests().stream().filter(q -> !q.method().equals("GET")).map(RecordedRequest::toString).toList();
    }

    @Test
    void promoteSendsTheWholeSpecWithRoleManagerAtTheReadVersion() throws IOException {
        CliRun r = CliRun.run("-H", agent.url(), "node", "promote", "host2");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("Node host2 promoted to a manager in the swarm.", r.out().trim());
        assertEquals(List.of("POST /v1.47/nodes/n0de2worker00000000000000/update?version=42"), writes());
        JsonNode spec = Fixtures.JSON.readTree(agent.requests().get(agent.requests().size() - 1).bodyText());
        assertEquals(Fixtures.JSON.readTree("{\"Labels\":{\"zone\":\"a\"},\"Role\":\"manager\",\"Availability\":\"drain\"}"), spec);
    }

    @Test
    void promotingAManagerAndDemotingAWorkerChangeNothing() {
        CliRun promote = CliRun.run("-H", agent.url(), "node", "promote", "host1");
        assertEquals(0, promote.exitCode(), promote.toString());
        assertEquals("Node n0de1selfid0000000000000a is already a manager.", promote.out().trim());
        CliRun demote = CliRun.run("-H", agent.url(), "node", "demote", "host2");
        assertEquals(0, demote.exitCode(), demote.toString());
        assertEquals("Node n0de2worker00000000000000 is already a worker.", demote.out().trim());
        assertTrue(writes().isEmpty(), writes().toString());
    }

    @Test
    void demoteReportsTheAgentsRefusalAsOneLine() {
        CliRun r = CliRun.run("-H", agent.url(), "node", "demote", "host1");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("Error response from daemon: attempting to demote the last manager of the swarm"), r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void rmRemovesWhatItCanAndReportsEachFailure() {
        CliRun r = CliRun.run("-H", agent.url(), "node", "rm", "host2", "busy", "ghost");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("host2"), r.outLines());
        assertEquals(List.of("Error response from daemon: node n0debusy is not down and can't be removed",
                "Error response from daemon: node ghost not found"), r.errLines());
        assertEquals(List.of("DELETE /v1.47/nodes/host2", "DELETE /v1.47/nodes/busy", "DELETE /v1.47/nodes/ghost"), writes());
    }

    @Test
    void rmForceAsksTheAgentToForce() {
        CliRun r = CliRun.run("-H", agent.url(), "node", "rm", "--force", "host2");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("DELETE /v1.47/nodes/host2?force=1"), writes());
    }

    @Test
    void withoutANodeTheyAreUsageErrors() {
        for (String cmd : List.of("promote", "demote", "rm")) {
            CliRun r = CliRun.run("-H", agent.url(), "node", cmd);
            assertEquals(2, r.exitCode(), cmd + ": " + r);
            assertTrue(r.err().contains("NODE"), r.err());
        }
        assertTrue(agent.requests().isEmpty());
    }

    @Test
    void aRoleChangeThatMeetsANewerVersionIsAppliedAgainToAFreshRead() throws IOException {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        try (UnixStubServer moving = new UnixStubServer(r -> {
            String t = r.decodedTarget();
            if (r.method().equals("GET") && t.equals("/v1.47/nodes/host2")) {
                // the node's status is written between the CLI's read and its write: version 42, then 43
                return StubResponse.ok(WORKER.replace("\"Index\":42", "\"Index\":" + (41 + reads.incrementAndGet())));
            }
            if (r.method().equals("POST") && t.endsWith("update?version=42")) return StubResponse.error(409, "update out of sequence");
            if (r.method().equals("POST")) return StubResponse.ok("");
            return StubResponse.error(404, "not found");
        })) {
            CliRun r = CliRun.run("-H", moving.url(), "node", "promote", "host2");
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("Node host2 promoted to a manager in the swarm.", r.out().trim());
            assertEquals(List.of("POST /v1.47/nodes/n0de2worker00000000000000/update?version=42",
                            "POST /v1.47/nodes/n0de2worker00000000000000/update?version=43"),
                    moving.requests().stream().filter(q -> !q.method().equals("GET")).map(RecordedRequest::toString).toList());
        }
    }

    @Test
    void aRoleChangeThatKeepsMeetingNewerVersionsGivesUpWithTheAgentsLine() throws IOException {
        try (UnixStubServer busy = new UnixStubServer(r -> {
            if (r.method().equals("GET")) return StubResponse.ok(WORKER);
            return StubResponse.error(409, "update out of sequence");
        })) {
            CliRun r = CliRun.run("-H", busy.url(), "node", "promote", "host2");
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals("Error response from daemon: update out of sequence", r.err().trim());
            assertEquals(NodeRoleChange.ATTEMPTS, busy.requests().stream().filter(q -> q.method().equals("POST")).count());
        }
    }
}
