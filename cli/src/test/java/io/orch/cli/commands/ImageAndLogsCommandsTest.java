package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.RecordedRequest;
import io.orch.cli.testing.StubResponse;
import io.orch.cli.testing.StubAgentCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code orch image load|ls|rm} and {@code orch service logs} against a stub agent. */
class ImageAndLogsCommandsTest {
    private static final String SERVICE = "svc0000000000000000000001";
    private static final String TASK = "task00000000000000000000a";
    private static final String NODE = "node00000000000000000000x";

    @TempDir
    Path dir;
    @RegisterExtension
    final StubAgentCli cli = new StubAgentCli();

    private CliRun orch(Function<RecordedRequest, StubResponse> handler, String... args) throws IOException {
        return cli.run(handler, args);
    }

    @Test
    void imageLoadSendsTheFileAndPrintsWhatWasLoaded() throws IOException {
        byte[] archive = new byte[200_000];
        for (int i = 0; i < archive.length; i++) archive[i] = (byte) i;
        Path tar = Files.write(dir.resolve("img.tar"), archive);
        CliRun run = orch(r -> StubResponse.ok("{\"stream\":\"Loaded image: tiny:1\\n\"}\r\n"), "image", "load", "-i", tar.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("Loaded image: tiny:1\n", run.out());
        RecordedRequest req = cli.requests().get(0);
        assertEquals("POST", req.method());
        assertTrue(req.target().endsWith("/images/load?quiet=0"), req.target());
        assertArrayEquals(archive, req.body());
    }

    @Test
    void imageLoadOnNodesAsksTheManagerForThemAndFailsWhenOneNodeFailed() throws IOException {
        Path tar = Files.write(dir.resolve("img.tar"), new byte[] {1, 2, 3});
        CliRun run = orch(r -> StubResponse.ok("{\"stream\":\"w1: Loaded image: tiny:1\\n\"}\r\n"
                        + "{\"stream\":\"w2: failed: cannot reach the node\\n\"}\r\n"
                        + "{\"errorDetail\":{\"message\":\"the image was not loaded on 1 of 2 nodes: w2\"},"
                        + "\"error\":\"the image was not loaded on 1 of 2 nodes: w2\"}\r\n"),
                "image", "load", "--node", "w1", "--node", "w 2", "-i", tar.toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals("w1: Loaded image: tiny:1\nw2: failed: cannot reach the node\n", run.out());
        assertTrue(run.err().contains("the image was not loaded on 1 of 2 nodes: w2"), run.err());
        assertTrue(cli.requests().get(0).target().endsWith("/images/load?quiet=0&node=w1&node=w+2"), cli.requests().get(0).target());
    }

    @Test
    void imageLoadOnAllNodesSaysSo() throws IOException {
        Path tar = Files.write(dir.resolve("img.tar"), new byte[] {1, 2, 3});
        CliRun run = orch(r -> StubResponse.ok("{\"stream\":\"w1: Loaded image: tiny:1\\n\"}\r\n"),
                "image", "load", "--all-nodes", "-i", tar.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(cli.requests().get(0).target().endsWith("/images/load?quiet=0&allNodes=1"), cli.requests().get(0).target());
        CliRun both = orch(r -> StubResponse.ok(""), "image", "load", "--all-nodes", "--node", "w1", "-i", tar.toString());
        assertEquals(2, both.exitCode(), both.toString());
    }

    @Test
    void imageLoadOfAMissingFileFailsWithoutCallingTheAgent() throws IOException {
        CliRun run = orch(r -> StubResponse.ok("[]"), "image", "load", "-i", dir.resolve("nope.tar").toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("nope.tar"), run.err());
        assertEquals(0, cli.requests().size());
    }

    private static final String IMAGES = "[{\"Id\":\"sha256:0123456789abcdef0123\",\"RepoTags\":[\"tiny:1\",\"reg.example/x/tiny:2\"],"
            + "\"Created\":1735725600,\"Size\":4260000},{\"Id\":\"sha256:fedcba9876543210ffff\",\"RepoTags\":[],\"Created\":1735732800,\"Size\":999}]";

    @Test
    void imageLsPrintsDockersColumnsOneRowPerTag() throws IOException {
        CliRun run = orch(r -> StubResponse.ok(IMAGES), "image", "ls");
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.outLines();
        assertTrue(lines.get(0).matches("REPOSITORY\\s+TAG\\s+IMAGE ID\\s+CREATED\\s+SIZE"), lines.get(0));
        assertTrue(lines.get(1).matches("tiny\\s+1\\s+0123456789ab\\s+2 hours ago\\s+4.26MB"), lines.get(1));
        assertTrue(lines.get(2).matches("reg.example/x/tiny\\s+2\\s+0123456789ab\\s+.*"), lines.get(2));
        assertTrue(lines.get(3).matches("<none>\\s+<none>\\s+fedcba987654\\s+Less than a second ago\\s+999B"), lines.get(3));
    }

    @Test
    void imageLsQuietAndJson() throws IOException {
        CliRun quiet = orch(r -> StubResponse.ok(IMAGES), "image", "ls", "-q");
        assertEquals(List.of("0123456789ab", "fedcba987654"), quiet.outLines());
        CliRun json = orch(r -> StubResponse.ok(IMAGES), "image", "ls", "--format", "json");
        assertEquals(3, json.outLines().size(), json.toString());
        assertTrue(json.outLines().get(0).contains("\"Repository\":\"tiny\""), json.out());
    }

    @Test
    void imageRmPrintsTheReportAndCarriesOnAfterAFailure() throws IOException {
        CliRun run = orch(r -> r.target().contains("busy")
                        ? StubResponse.error(409, "conflict: unable to delete busy:1 - image is being used by a running task")
                        : StubResponse.ok("[{\"Untagged\":\"tiny:1\"},{\"Deleted\":\"sha256:0123\"}]"),
                "image", "rm", "busy:1", "tiny:1");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(List.of("Untagged: tiny:1", "Deleted: sha256:0123"), run.outLines());
        assertTrue(run.err().startsWith("Error response from daemon: conflict"), run.err());
        assertTrue(cli.requests().get(1).target().endsWith("/images/tiny%3A1"), cli.requests().get(1).target());
    }

    private static byte[] frames(String... streamAndPayload) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < streamAndPayload.length; i += 2) {
            byte[] p = streamAndPayload[i + 1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeBytes(java.nio.ByteBuffer.allocate(8).put((byte) Integer.parseInt(streamAndPayload[i])).put(new byte[3]).putInt(p.length).array());
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String details() {
        return "com.docker.swarm.node.id=" + NODE + ",com.docker.swarm.service.id=" + SERVICE + ",com.docker.swarm.task.id=" + TASK + " ";
    }

    private static StubResponse logsAgent(RecordedRequest r, byte[] body) {
        String t = r.target();
        if (t.contains("/logs?")) return StubResponse.binary(200, body);
        if (t.contains("/services/")) {
            return StubResponse.ok("{\"ID\":\"" + SERVICE + "\",\"Spec\":{\"Name\":\"web\",\"Mode\":{\"Replicated\":{\"Replicas\":3}}}}");
        }
        if (t.contains("/tasks/")) return StubResponse.ok("{\"ID\":\"" + TASK + "\",\"Slot\":2}");
        if (t.contains("/nodes/")) return StubResponse.ok("{\"ID\":\"" + NODE + "\",\"Description\":{\"Hostname\":\"host1\"}}");
        return StubResponse.error(404, "no");
    }

    @Test
    void serviceLogsPrintsEachLineWithDockersPrefixStdoutAndStderrApart() throws IOException {
        byte[] body = frames("1", details() + "hello\n", "2", details() + "oops\n", "1", details() + "bye\n");
        CliRun run = orch(r -> logsAgent(r, body), "service", "logs", "--tail", "2", "web");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(List.of("web.2.task00000000@host1    | hello", "web.2.task00000000@host1    | bye"), run.outLines());
        assertEquals(List.of("web.2.task00000000@host1    | oops"), run.errLines());
        String logsTarget = cli.requests().stream().map(RecordedRequest::target).filter(t -> t.contains("/logs")).findFirst().orElseThrow();
        assertTrue(logsTarget.contains("/services/" + SERVICE + "/logs?"), logsTarget);
        assertTrue(logsTarget.contains("details=1") && logsTarget.contains("tail=2") && logsTarget.contains("stdout=1")
                && logsTarget.contains("stderr=1") && !logsTarget.contains("follow"), logsTarget);
    }

    @Test
    void noTaskIdsAndTimestamps() throws IOException {
        byte[] body = frames("1", "2025-01-01T12:00:00.000000001Z " + details() + "hello\n");
        CliRun run = orch(r -> logsAgent(r, body), "service", "logs", "--timestamps", "--no-task-ids", "web");
        assertEquals(List.of("2025-01-01T12:00:00.000000001Z web.2@host1    | hello"), run.outLines());
    }

    @Test
    void aTaskIdIsResolvedWhenNoServiceHasThatName() throws IOException {
        byte[] body = frames("1", details() + "hi\n");
        CliRun run = orch(r -> r.target().contains("/services/" + TASK) ? StubResponse.error(404, "service not found")
                : logsAgent(r, body), "service", "logs", TASK);
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(List.of("web.2.task00000000@host1    | hi"), run.outLines());
        assertTrue(cli.requests().stream().anyMatch(r -> r.target().contains("/tasks/" + TASK + "/logs?")));
    }

    @Test
    void unknownTargetAndBadTail() throws IOException {
        CliRun none = orch(r -> StubResponse.error(404, "not found"), "service", "logs", "nosuch");
        assertEquals(1, none.exitCode(), none.toString());
        assertEquals("Error: no such task or service: nosuch", none.err().trim());
        CliRun bad = orch(r -> StubResponse.ok("{}"), "service", "logs", "--tail", "lots", "web");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertEquals(0, cli.requests().size());
    }
}
