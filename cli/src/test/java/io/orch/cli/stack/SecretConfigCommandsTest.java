package io.orch.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orch secret|config create|ls|inspect|rm} send what docker sends (requests file, 20_secret_create). */
class SecretConfigCommandsTest {
    @TempDir
    Path dir;
    private StackFakeAgent agent;

    @BeforeEach
    void start() throws IOException {
        agent = new StackFakeAgent();
    }

    @AfterEach
    void stop() throws IOException {
        agent.close();
    }

    @Test
    void secretLifecycle() throws IOException {
        Path f = dir.resolve("s1.txt");
        Files.writeString(f, "supersecret");
        CliRun created = CliRun.run("-H", agent.url(), "secret", "create", "s1", f.toString());
        assertEquals(0, created.exitCode(), created.toString());
        assertEquals(Fixtures.parse("{\"Name\": \"s1\", \"Labels\": {}, \"Data\": \"c3VwZXJzZWNyZXQ=\"}"),
                Fixtures.parse(agent.writes().get(0).bodyText()));
        String id = created.out().strip();
        CliRun ls = CliRun.run("-H", agent.url(), "secret", "ls", "-q");
        assertEquals(List.of(id), ls.outLines());
        CliRun inspect = CliRun.run("-H", agent.url(), "secret", "inspect", "s1");
        assertEquals(id, Fixtures.parse(inspect.out()).get(0).get("ID").asText());
        CliRun rm = CliRun.run("-H", agent.url(), "secret", "rm", "s1", "nope");
        assertEquals(1, rm.exitCode());
        assertEquals(List.of("s1"), rm.outLines());
        assertEquals(List.of("Error response from daemon: secrets nope not found"), rm.errLines());
    }

    @Test
    void configCreateWithLabels() throws IOException {
        Path f = dir.resolve("c1.txt");
        Files.writeString(f, "k=v\n");
        CliRun created = CliRun.run("-H", agent.url(), "config", "create", "--label", "a=b", "c1", f.toString());
        assertEquals(0, created.exitCode(), created.toString());
        assertEquals(Fixtures.parse("{\"Name\": \"c1\", \"Labels\": {\"a\": \"b\"}, \"Data\": \"az12Cg==\"}"),
                Fixtures.parse(agent.writes().get(0).bodyText()));
        assertTrue(CliRun.run("-H", agent.url(), "config", "ls").out().contains("c1"));
        CliRun missing = CliRun.run("-H", agent.url(), "config", "create", "c2", dir.resolve("none").toString());
        assertEquals(1, missing.exitCode());
        assertEquals(1, agent.writes().size(), "nothing sent for a missing file");
    }
}
