package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.FakeAgent;
import io.orch.cli.testing.Fixtures;
import io.orch.cli.testing.RecordedRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeAndSystemCommandsTest {
    private FakeAgent agent;

    @BeforeEach
    void start() throws IOException {
        agent = new FakeAgent();
    }

    @AfterEach
    void stop() throws IOException {
        agent.close();
    }

    private List<String> requestLines() {
        return agent.requests().stream().map(RecordedRequest::toString).toList();
    }

    @Test
    void nodeLsMarksTheNodeFromInfo() {
        CliRun r = CliRun.run("-H", agent.url(), "node", "ls");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("GET /v1.47/nodes", "GET /v1.47/info"), requestLines());
        assertTrue(r.outLines().get(1).startsWith("n0de1selfid0000000000000a *   host1      Ready     Active         Leader"), r.out());
    }

    @Test
    void nodeLsQuietAndJson() throws IOException {
        assertEquals(3, CliRun.run("-H", agent.url(), "node", "ls", "-q").outLines().size());
        CliRun json = CliRun.run("-H", agent.url(), "node", "ls", "--format", "json");
        assertEquals(Fixtures.json("nodes.json"), Fixtures.JSON.readTree(json.out()));
    }

    @Test
    void nodeInspectSelfResolvesThroughInfo() throws IOException {
        CliRun r = CliRun.run("-H", agent.url(), "node", "inspect", "self", "host2");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("GET /v1.47/info", "GET /v1.47/nodes/n0de1selfid0000000000000a", "GET /v1.47/nodes/host2"), requestLines());
        var array = Fixtures.JSON.readTree(r.out());
        assertEquals("host1", array.get(0).path("Description").path("Hostname").asText());
        assertEquals("host2", array.get(1).path("Description").path("Hostname").asText());
    }

    @Test
    void versionShowsClientAndServer() {
        CliRun r = CliRun.run("-H", agent.url(), "version");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains(" API version:       1.47\n"), r.out());
        assertTrue(r.out().contains("Server:\n Version:           0.1.0\n"), r.out());
    }

    @Test
    void versionStillShowsTheClientWhenTheAgentIsDown() {
        CliRun r = CliRun.run("-H", "unix:///nonexistent/orch.sock", "version");
        assertEquals(1, r.exitCode());
        assertTrue(r.out().startsWith("Client:\n"));
        assertEquals(1, r.errLines().size());
    }

    @Test
    void infoShowsTheSwarmSection() {
        CliRun r = CliRun.run("-H", agent.url(), "info");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains(" Swarm: active\n  NodeID: n0de1selfid0000000000000a\n"), r.out());
        assertTrue(r.out().contains("  Managers: 2\n  Nodes: 3\n"), r.out());
    }

    @Test
    void theHostComesFromTheEnvironmentWhenNotGiven() {
        CliRun r = CliRun.run(Map.of("ORCH_HOST", agent.url()), "service", "ls", "-q");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("GET /v1.47/services?status=true"), requestLines());
    }

    @Test
    void anUnreachableAgentIsOneLineAndExitOne() {
        CliRun r = CliRun.run("-H", "unix:///nonexistent/orch.sock", "service", "ls");
        assertEquals(1, r.exitCode());
        assertEquals(List.of("Error: cannot reach the orch agent at unix:///nonexistent/orch.sock: no such file or directory (is 'orch init' running?)"), r.errLines());
    }

    @Test
    void debugAddsTheStackTrace() {
        CliRun r = CliRun.run("--debug", "-H", "unix:///nonexistent/orch.sock", "service", "ls");
        assertEquals(1, r.exitCode());
        assertTrue(r.errLines().size() > 1);
        assertTrue(r.err().contains("AgentUnreachableException"), r.err());
    }

    @Test
    void versionFlagAndHelpExitZero() {
        CliRun v = CliRun.run("--version");
        assertEquals(0, v.exitCode());
        assertTrue(v.out().startsWith("orch version "), v.out());
        CliRun h = CliRun.run("service", "--help");
        assertEquals(0, h.exitCode());
        assertTrue(h.out().contains("create"), h.out());
    }
}
