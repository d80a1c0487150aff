package io.orch.cli.commands;

import static io.orch.cli.testing.FakeAgent.WEB_ID;
import static io.orch.cli.testing.JsonAssert.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.FakeAgent;
import io.orch.cli.testing.Fixtures;
import io.orch.cli.testing.RecordedRequest;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The service commands end to end against a fake agent on a unix socket: requests sent, output printed. */
class ServiceCommandsTest {
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

    private List<String> requestLines() {
        return agent.requests().stream().map(RecordedRequest::toString).toList();
    }

    @Test
    void createPostsTheSpecPrintsTheIdAndWaitsForConvergence() {
        CliRun r = orch("service", "create", "--name", "web", "--replicas", "3", "-p", "8080:80", "busybox:latest", "sleep", "1000");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(WEB_ID, r.outLines().get(0));
        assertEquals("overall progress: 3 out of 3 tasks", r.outLines().get(1));
        assertTrue(r.out().contains("1/3: running   [==================================================>]"), r.out());
        assertEquals("verify: Service " + WEB_ID + " converged", r.outLines().get(r.outLines().size() - 1));
        assertEquals("", r.err());
        List<String> lines = requestLines();
        assertEquals("POST /v1.47/services/create", lines.get(0));
        assertEquals(List.of("GET /v1.47/services/" + WEB_ID + "?insertDefaults=false",
                "GET /v1.47/tasks?filters={\"_up-to-date\":{\"true\":true},\"service\":{\"" + WEB_ID + "\":true}}",
                "GET /v1.47/nodes"), lines.subList(1, 4));
        JsonNode body = Fixtures.parse(agent.requests().get(0).bodyText());
        assertEquals("web", body.path("Name").asText());
        assertEquals(3, body.path("Mode").path("Replicated").path("Replicas").asInt());
        assertEquals(List.of("sleep", "1000"), List.of(body.path("TaskTemplate").path("ContainerSpec").path("Args").get(0).asText(),
                body.path("TaskTemplate").path("ContainerSpec").path("Args").get(1).asText()));
    }

    @Test
    void createDetachedOnlyPostsAndPrintsTheId() {
        CliRun r = orch("service", "create", "-d", "--name", "web", "busybox");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(WEB_ID), r.outLines());
        assertEquals(List.of("POST /v1.47/services/create"), requestLines());
    }

    @Test
    void createQuietWaitsWithoutPrintingProgress() {
        CliRun r = orch("service", "create", "-q", "busybox");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(WEB_ID), r.outLines());
        assertTrue(requestLines().size() > 1, "still polled for convergence");
    }

    @Test
    void lsAsksForStatusAndPrintsTheTable() {
        CliRun r = orch("service", "ls");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("GET /v1.47/services?status=true"), requestLines());
        assertTrue(r.outLines().get(1).startsWith("w6pjkkknglqn   web       replicated   2/3"), r.out());
    }

    @Test
    void lsSendsFiltersAndPrintsJsonOrIds() throws IOException {
        CliRun json = orch("service", "ls", "--filter", "name=web", "--format", "json");
        assertEquals("GET /v1.47/services?status=true&filters={\"name\":{\"web\":true}}", requestLines().get(0));
        assertJsonEquals(Fixtures.json("services.json"), Fixtures.JSON.readTree(json.out()));
        CliRun quiet = orch("service", "ls", "-q");
        assertEquals(List.of(WEB_ID, FakeAgent.DB_ID, "abcdefabcdefabcdefabcdef0"), quiet.outLines());
    }

    @Test
    void psResolvesTheServiceListsItsTasksAndNamesNodes() {
        CliRun r = orch("service", "ps", "web");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("GET /v1.47/services/web?insertDefaults=false",
                "GET /v1.47/tasks?filters={\"service\":{\"" + WEB_ID + "\":true}}",
                "GET /v1.47/nodes"), requestLines());
        assertTrue(r.outLines().get(1).startsWith("3iqzr6rlahkj   web.1       busybox:latest   host1     Running         Running 4 seconds ago"), r.out());
        assertTrue(r.outLines().get(2).contains(" \\_ web.1"), r.out());
    }

    @Test
    void psMergesUserFilters() {
        orch("service", "ps", "--filter", "desired-state=running", "-q", "web");
        assertEquals("GET /v1.47/tasks?filters={\"desired-state\":{\"running\":true},\"service\":{\"" + WEB_ID + "\":true}}", requestLines().get(1));
    }

    @Test
    void inspectPrintsAJsonArrayWithDefaultsInserted() throws IOException {
        CliRun r = orch("service", "inspect", "web");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("GET /v1.47/services/web?insertDefaults=true"), requestLines());
        JsonNode array = Fixtures.JSON.readTree(r.out());
        assertEquals(WEB_ID, array.get(0).path("ID").asText());
        assertTrue(r.out().startsWith("[\n    {\n        \"ID\": "), r.out());
    }

    @Test
    void inspectPrettyPrintsASummary() {
        CliRun r = orch("service", "inspect", "--pretty", "web");
        assertEquals("ID:             " + WEB_ID, r.outLines().get(0));
    }

    @Test
    void inspectOfAMissingServiceIsADaemonError() {
        CliRun r = orch("service", "inspect", "nope");
        assertEquals(1, r.exitCode());
        assertEquals(List.of("Error response from daemon: service nope not found"), r.errLines());
    }

    @Test
    void scaleSendsTheWholeSpecWithReplicasReplacedAtTheCurrentVersion() {
        CliRun r = orch("service", "scale", "-d", "web=5");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("web scaled to 5"), r.outLines());
        assertEquals(List.of("GET /v1.47/services/web?insertDefaults=false", "POST /v1.47/services/" + WEB_ID + "/update?version=11"), requestLines());
        ObjectNode expected = (ObjectNode) Fixtures.json("service_web.json").path("Spec").deepCopy();
        expected.putObject("UpdateConfig").put("Monitor", 1_000_000L);
        ((ObjectNode) expected.path("Mode").path("Replicated")).put("Replicas", 5);
        assertJsonEquals(expected, Fixtures.parse(agent.requests().get(1).bodyText()));
    }

    @Test
    void scaleWaitsForConvergenceUnlessDetached() {
        CliRun r = orch("service", "scale", "web=3");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("web scaled to 3", r.outLines().get(0));
        assertEquals("verify: Service " + WEB_ID + " converged", r.outLines().get(r.outLines().size() - 1));
    }

    @Test
    void scaleRejectsGlobalServicesButScalesTheOthers() {
        CliRun r = orch("service", "scale", "-d", "db=2", "web=4");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("Error: db: scale can only be used with replicated mode"), r.errLines());
        assertEquals(List.of("web scaled to 4"), r.outLines());
        assertEquals(1, requestLines().stream().filter(l -> l.startsWith("POST")).count());
    }

    @Test
    void rmRemovesEveryServiceItCanAndReportsTheMissingOne() {
        CliRun r = orch("service", "rm", "web", "nope", "db");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("web", "db"), r.outLines());
        assertEquals(List.of("Error response from daemon: service nope not found"), r.errLines());
        assertEquals(List.of("DELETE /v1.47/services/web", "DELETE /v1.47/services/nope", "DELETE /v1.47/services/db"), requestLines());
    }
}
