package io.orch.cli.commands;

import static io.orch.cli.testing.FakeAgent.WEB_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.FakeAgent;
import io.orch.cli.testing.Fixtures;
import io.orch.cli.testing.RecordedRequest;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** service update / rollback and the rollout flags of create, against a fake agent: what is sent. */
class ServiceUpdateCommandsTest {
    private FakeAgent agent;

    @BeforeEach
    void start() throws IOException {
        agent = new FakeAgent();
    }

    @AfterEach
    void stop() throws IOException {
        agent.close();
    }

    private CliRun orch(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "-H";
        all[1] = agent.url();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.run(all);
    }

    private RecordedRequest post() {
        return agent.requests().stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
    }

    private long webVersion() {
        return Fixtures.json("service_web.json").path("Version").path("Index").asLong();
    }

    @Test
    void updateSendsTheCurrentSpecWithTheFlagsApplied() {
        CliRun r = orch("service", "update", "-d", "--image", "busybox:2", "--update-parallelism", "2", "--update-delay", "1s",
                "--update-order", "start-first", "--update-failure-action", "rollback", "--env-add", "B=2", "--force", "web");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("web"), r.outLines());
        RecordedRequest req = post();
        assertEquals("/v1.47/services/" + WEB_ID + "/update?version=" + webVersion(), req.decodedTarget());
        JsonNode body = Fixtures.parse(req.bodyText());
        JsonNode current = Fixtures.json("service_web.json").path("Spec");
        assertEquals("busybox:2", body.at("/TaskTemplate/ContainerSpec/Image").asText());
        assertEquals(current.path("Name"), body.path("Name"), "the rest of the spec is sent back");
        assertEquals(current.path("Mode"), body.path("Mode"));
        JsonNode u = body.path("UpdateConfig");
        assertEquals(2, u.path("Parallelism").asLong());
        assertEquals(1_000_000_000L, u.path("Delay").asLong());
        assertEquals("start-first", u.path("Order").asText());
        assertEquals("rollback", u.path("FailureAction").asText());
        assertTrue(body.at("/TaskTemplate/ContainerSpec/Env").toString().contains("\"B=2\""));
        assertEquals(current.at("/TaskTemplate/ForceUpdate").asLong(0) + 1, body.at("/TaskTemplate/ForceUpdate").asLong());
    }

    @Test
    void rollbackPostsRollbackPrevious() {
        CliRun r = orch("service", "rollback", "-d", "web");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("/v1.47/services/" + WEB_ID + "/update?rollback=previous&version=" + webVersion(), post().decodedTarget());
    }

    @Test
    void pauseAndResumeAskTheServerAndChangeNothingElse() {
        assertEquals(0, orch("service", "update", "--pause", "web").exitCode());
        assertEquals("/v1.47/services/" + WEB_ID + "/update?version=" + webVersion() + "&updateAction=pause", post().decodedTarget());
        CliRun both = orch("service", "update", "--pause", "--image", "x", "web");
        assertEquals(2, both.exitCode(), both.toString());
        assertEquals("Error: --pause and --resume change nothing else: give no other flag", both.errLines().get(0));
    }

    @Test
    void aBadRolloutValueIsAUsageErrorAndNothingIsSent() {
        CliRun r = orch("service", "update", "--update-failure-action", "explode", "web");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--update-failure-action"), r.err());
        assertTrue(agent.requests().stream().noneMatch(q -> q.method().equals("POST")));
        CliRun ratio = orch("service", "update", "--update-max-failure-ratio", "1.5", "web");
        assertEquals(2, ratio.exitCode());
        assertTrue(ratio.err().contains("must be a number between 0 and 1"), ratio.err());
    }

    @Test
    void createTakesRolloutHealthAndRestartFlags() {
        CliRun r = orch("service", "create", "-d", "--name", "web", "--update-order", "start-first", "--update-monitor", "2s",
                "--rollback-parallelism", "0", "--health-cmd", "true", "--health-interval", "5s", "--restart-max-attempts", "3", "busybox");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode body = Fixtures.parse(post().bodyText());
        assertEquals("{\"Parallelism\":1,\"FailureAction\":\"pause\",\"Monitor\":2000000000,\"MaxFailureRatio\":0,\"Order\":\"start-first\"}",
                body.path("UpdateConfig").toString());
        assertEquals(0, body.at("/RollbackConfig/Parallelism").asLong(-1));
        assertEquals("[\"CMD-SHELL\",\"true\"]", body.at("/TaskTemplate/ContainerSpec/Healthcheck/Test").toString());
        assertEquals(5_000_000_000L, body.at("/TaskTemplate/ContainerSpec/Healthcheck/Interval").asLong());
        assertEquals(3, body.at("/TaskTemplate/RestartPolicy/MaxAttempts").asLong());
    }
}
