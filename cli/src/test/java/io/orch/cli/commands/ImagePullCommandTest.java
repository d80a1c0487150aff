package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.RecordedRequest;
import io.orch.cli.testing.StubResponse;
import io.orch.cli.testing.StubAgentCli;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code orch image pull} against a stub agent. */
class ImagePullCommandTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    @RegisterExtension
    final StubAgentCli cli = new StubAgentCli();

    private CliRun orch(Function<RecordedRequest, StubResponse> handler, String... args) throws IOException {
        return cli.run(handler, args);
    }

    private static final String PROGRESS = String.join("\r\n",
            "{\"status\":\"Pulling from test/busybox\",\"id\":\"1.0\"}",
            "{\"status\":\"Pulling fs layer\",\"id\":\"0123456789ab\"}",
            "{\"status\":\"Download complete\",\"id\":\"0123456789ab\"}",
            "{\"status\":\"Pull complete\",\"id\":\"0123456789ab\"}",
            "{\"status\":\"Digest: " + DIGEST + "\"}",
            "{\"status\":\"Status: Downloaded newer image for reg.example:5000/test/busybox:1.0\"}", "");

    @Test
    void pullSendsNameAndTagApartAndPrintsDockersProgress() throws IOException {
        CliRun run = orch(r -> StubResponse.ok(PROGRESS), "image", "pull", "reg.example:5000/test/busybox:1.0");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(List.of("1.0: Pulling from test/busybox", "0123456789ab: Pulling fs layer",
                "0123456789ab: Download complete", "0123456789ab: Pull complete", "Digest: " + DIGEST,
                "Status: Downloaded newer image for reg.example:5000/test/busybox:1.0",
                "reg.example:5000/test/busybox:1.0"), run.outLines());
        RecordedRequest req = cli.requests().get(0);
        assertEquals("POST", req.method());
        assertEquals(true, req.decodedTarget().endsWith("/images/create?fromImage=reg.example:5000/test/busybox&tag=1.0"),
                req.decodedTarget());
    }

    @Test
    void quietPrintsOnlyTheReferenceAndDefaultsTheTag() throws IOException {
        CliRun run = orch(r -> StubResponse.ok(PROGRESS), "image", "pull", "-q", "localhost:5000/app");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(List.of("localhost:5000/app:latest"), run.outLines());
        assertEquals(true, cli.requests().get(0).decodedTarget().endsWith("fromImage=localhost:5000/app&tag=latest"));
    }

    @Test
    void digestTravelsAsTheTag() {
        assertArrayEquals(new String[] {"reg.example/app", DIGEST}, ImagePullCommand.split("reg.example/app:1@" + DIGEST));
        assertArrayEquals(new String[] {"busybox", "latest"}, ImagePullCommand.split("busybox"));
        assertArrayEquals(new String[] {"host:5000/app", "latest"}, ImagePullCommand.split("host:5000/app"));
    }

    @Test
    void failureMidwayIsOneErrorLineAndExit1() throws IOException {
        String body = "{\"status\":\"Pulling from test/busybox\",\"id\":\"1.0\"}\r\n"
                + "{\"errorDetail\":{\"message\":\"blob sha256:x failed digest verification\"},\"error\":\"blob sha256:x failed digest verification\"}\r\n";
        CliRun run = orch(r -> StubResponse.ok(body), "image", "pull", "reg.example/test/busybox:1.0");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(List.of("Error: blob sha256:x failed digest verification"), run.errLines());
    }

    @Test
    void agentRefusalIsReported() throws IOException {
        CliRun run = orch(r -> StubResponse.error(404, "manifest for reg.example/x:1 not found: manifest unknown"),
                "image", "pull", "reg.example/x:1");
        assertEquals(1, run.exitCode(), run.toString());
        assertEquals(List.of("Error response from daemon: manifest for reg.example/x:1 not found: manifest unknown"), run.errLines());
    }

    @Test
    void blankReferenceIsUsageErrorWithoutCallingTheAgent() throws IOException {
        CliRun run = orch(r -> StubResponse.ok(PROGRESS), "image", "pull", " ");
        assertEquals(2, run.exitCode(), run.toString());
        assertEquals(0, cli.requests().size());
    }
}
