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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code orch join-token [-q] [--rotate] worker|manager}: docker swarm join-token's output and requests. */
class JoinTokenCommandTest {
    private static final String DIGEST = "1h8aps2yszaiqmz2l3oc5392pgk8e49qhx2aj3nyv0ui0hez2a";
    private static final String WORKER = "SWMTKN-1-" + DIGEST + "-6qmn92w6bu3jdvnglku58u11a";
    private static final String MANAGER = "SWMTKN-1-" + DIGEST + "-8llk83c4wm9lwioey2s316r9l";
    private static final String ROTATED = "SWMTKN-1-" + DIGEST + "-0000000000000000000rotated";
    private static final String INFO = "{\"Swarm\":{\"NodeID\":\"self\",\"NodeAddr\":\"10.0.0.1\","
            + "\"RemoteManagers\":[{\"NodeID\":\"other\",\"Addr\":\"10.0.0.2:2377\"},{\"NodeID\":\"self\",\"Addr\":\"10.0.0.1:2377\"}]}}";

    private final AtomicReference<String> workerToken = new AtomicReference<>(WORKER);
    private UnixStubServer agent;

    @BeforeEach
    void start() throws IOException {
        agent = new UnixStubServer(r -> {
            String t = r.decodedTarget();
            if (r.method().equals("GET") && t.equals("/v1.47/swarm")) {
                return StubResponse.ok("{\"ID\":\"c1\",\"Version\":{\"Index\":7},\"Spec\":{\"Name\":\"default\",\"SchedulerStrategy\":\"spread\"},"
                        + "\"JoinTokens\":{\"Worker\":\"" + workerToken.get() + "\",\"Manager\":\"" + MANAGER + "\"}}");
            }
            if (r.method().equals("GET") && t.equals("/v1.47/info")) return StubResponse.ok(INFO);
            if (r.method().equals("POST") && t.startsWith("/v1.47/swarm/update")) {
                workerToken.set(ROTATED);
                return StubResponse.ok("");
            }
            return StubResponse.error(404, "page not found: " + r.method() + " " + t);
        });
    }

    @AfterEach
    void stop() throws IOException {
        agent.close();
    }

    @Test
    void printsTheJoinCommandWithThisManagersAddress() {
        CliRun r = CliRun.run("-H", agent.url(), "join-token", "worker");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("To add a worker to this swarm, run the following command:\n\n"
                + "    orch join --token " + WORKER + " 10.0.0.1:2377\n\n", r.out());
        CliRun m = CliRun.run("-H", agent.url(), "join-token", "manager");
        assertEquals("To add a manager to this swarm, run the following command:\n\n"
                + "    orch join --token " + MANAGER + " 10.0.0.1:2377\n\n", m.out());
    }

    @Test
    void quietPrintsOnlyTheToken() {
        CliRun r = CliRun.run("-H", agent.url(), "join-token", "-q", "manager");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(MANAGER + "\n", r.out());
        assertTrue(agent.requests().stream().noneMatch(q -> q.method().equals("POST")), "nothing changed");
    }

    @Test
    void rotateAsksForANewTokenAtTheReadVersionThenPrintsIt() throws IOException {
        CliRun r = CliRun.run("-H", agent.url(), "join-token", "--rotate", "worker");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("Successfully rotated worker join token.\n\nTo add a worker to this swarm"), r.out());
        assertTrue(r.out().contains("orch join --token " + ROTATED + " 10.0.0.1:2377"), r.out());
        RecordedRequest post = agent.requests().stream().filter(q -> q.method().equals("POST")).findFirst().orElseThrow();
        assertEquals("POST /v1.47/swarm/update?version=7&rotateWorkerToken=true&rotateManagerToken=false", post.toString());
        JsonNode spec = Fixtures.JSON.readTree(post.bodyText());
        assertEquals("spread", spec.path("SchedulerStrategy").asText(), "the spec is sent back unchanged");

        workerToken.set(WORKER);
        CliRun quiet = CliRun.run("-H", agent.url(), "join-token", "-q", "--rotate", "worker");
        assertEquals(ROTATED + "\n", quiet.out());
    }

    @Test
    void anUnknownRoleIsAOneLineUsageError() {
        CliRun r = CliRun.run("-H", agent.url(), "join-token", "admin");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("invalid role: expected manager or worker"), r.err());
        CliRun missing = CliRun.run("-H", agent.url(), "join-token");
        assertEquals(2, missing.exitCode());
        assertEquals(1, missing.errLines().size(), missing.err());
        assertTrue(agent.requests().isEmpty(), "nothing sent");
    }

    @Test
    void theAddressFallsBackToAnyManagerThenTheNodeAddress() throws IOException {
        assertEquals("10.0.0.2:2377", JoinTokenCommand.managerAddress(Fixtures.JSON.readTree(
                "{\"Swarm\":{\"NodeID\":\"self\",\"RemoteManagers\":[{\"NodeID\":\"other\",\"Addr\":\"10.0.0.2:2377\"}]}}")));
        assertEquals("10.0.0.9:2377", JoinTokenCommand.managerAddress(Fixtures.JSON.readTree(
                "{\"Swarm\":{\"NodeID\":\"self\",\"NodeAddr\":\"10.0.0.9\",\"RemoteManagers\":[]}}")));
    }
}
