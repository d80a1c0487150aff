package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.RecordedRequest;
import io.orch.cli.testing.StubResponse;
import io.orch.cli.testing.StubAgentCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code orch login} against a stub agent: POST /auth as docker login sends it. */
class LoginCommandTest {
    @RegisterExtension
    final StubAgentCli cli = new StubAgentCli();

    private CliRun orch(Function<RecordedRequest, StubResponse> handler, String... args) throws IOException {
        return cli.run(handler, args);
    }

    @Test
    void sendsTheLoginAndPrintsDockersAnswer() throws IOException {
        CliRun run = orch(r -> StubResponse.ok("{\"Status\":\"Login Succeeded\",\"IdentityToken\":\"\"}"),
                "login", "reg.lan:5000", "-u", "alice", "-p", "pw-1");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Login Succeeded\n", run.out());
        RecordedRequest req = cli.requests().get(0);
        assertEquals("POST", req.method());
        assertTrue(req.target().endsWith("/auth"), req.target());
        JsonNode body = new ObjectMapper().readTree(new String(req.body(), StandardCharsets.UTF_8));
        assertEquals("alice", body.path("username").asText());
        assertEquals("pw-1", body.path("password").asText());
        assertEquals("reg.lan:5000", body.path("serveraddress").asText());
    }

    @Test
    void aRefusedLoginFailsWithTheAgentsReasonAndNoPassword() throws IOException {
        CliRun run = orch(r -> StubResponse.error(401, "login to reg.lan:5000 failed: unauthorized: incorrect username or password"),
                "login", "reg.lan:5000", "-u", "alice", "-p", "pw-1");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("incorrect username or password"), run.err());
        assertFalse(run.err().contains("pw-1"), run.err());
    }

    @Test
    void aPasswordIsRequired() throws IOException {
        CliRun run = orch(r -> StubResponse.ok("{}"), "login", "reg.lan:5000", "-u", "alice");
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(0, cli.requests().size());
    }
}
