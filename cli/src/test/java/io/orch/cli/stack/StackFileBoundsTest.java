package io.orch.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.cli.testing.CliRun;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stack files built to exhaust the CLI: a YAML "billion laughs" (a few dozen aliases that expand
 * to hundreds of millions of values), files of many megabytes, files without end. Each is one
 * line, exit 1, nothing created, in well under the time a parse of them would take.
 */
class StackFileBoundsTest {
    @TempDir
    static Path dir;
    private static StackFakeAgent agent;

    @BeforeAll
    static void start() throws IOException {
        agent = new StackFakeAgent();
    }

    @AfterAll
    static void stop() throws IOException {
        agent.close();
    }

    private static CliRun deploy(Path file) {
        agent.requests().clear();
        CliRun r = CliRun.run("-H", agent.url(), "stack", "deploy", "-c", file.toString(), "st");
        assertEquals(List.of(), agent.writes(), "nothing is created from a stack that does not load");
        return r;
    }

    /** 9 levels of 9 aliases each: 72 aliases, 9^9 (387 million) values once expanded. */
    @Test
    void aBillionLaughsIsOneLine() throws IOException {
        StringBuilder yaml = new StringBuilder("x-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level <= 8; level++) {
            String prev = "*l" + (level - 1);
            yaml.append("x-l").append(level).append(": &l").append(level).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
        }
        yaml.append("services:\n  web:\n    image: busybox\n");
        Path f = dir.resolve("laughs.yml");
        Files.writeString(f, yaml);
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> deploy(f));
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of(), agent.requests(), "the file is refused before the agent is asked anything");
        assertEquals(List.of("Error: " + f + ":6:7 x-l5: the document holds more than 100000 values once its"
                + " aliases are expanded (a YAML alias bomb?)"), r.errLines());
    }

    @Test
    void aFiftyMegabyteFileIsRefusedBeforeItIsRead() throws IOException {
        Path f = large("fifty.yml", 50);
        CliRun r = deploy(f);
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of(), agent.requests());
        assertEquals(List.of("Error: " + f + ": larger than 4 MiB, the most a stack file may be"), r.errLines());
    }

    @Test
    void anEightMegabyteFileIsRefusedInUnderASecond() throws IOException {
        Path f = large("eight.yml", 8);
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> deploy(f));
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of(), agent.requests());
        assertTrue(r.err().startsWith("Error: " + f + ": larger than 4 MiB"), r.err());
    }

    @Test
    void filesWithoutEndAreReadNoFurtherThanTheirBound() throws IOException {
        Path secret = dir.resolve("zero-secret.yml");
        Files.writeString(secret, "services:\n  web:\n    image: busybox\n    secrets: [s]\nsecrets:\n  s:\n    file: /dev/zero\n");
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> deploy(secret));
        assertEquals(List.of("Error: " + secret + ":7:11 secrets.s.file: /dev/zero: larger than 1024000 bytes, more than the API takes"),
                r.errLines());

        Path envFile = dir.resolve("zero-env.yml");
        Files.writeString(envFile, "services:\n  web:\n    image: busybox\n    env_file: /dev/zero\n");
        r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> deploy(envFile));
        assertEquals(List.of("Error: " + envFile + ":4:15 services.web.env_file: env file /dev/zero: larger than 4 MiB,"
                + " the most an env file may be"), r.errLines());
    }

    /** A stack file with one service and megabytes of services after it (as a generator gone wrong writes one). */
    private static Path large(String name, int mebibytes) throws IOException {
        Path f = dir.resolve(name);
        try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            w.write("services:\n");
            long written = 0;
            for (int i = 0; written < mebibytes * 1024L * 1024; i++) {
                String service = "  web" + i + ":\n    image: busybox\n    command: [sh, -c, \"echo " + "x".repeat(200) + "\"]\n";
                w.write(service);
                written += service.length();
            }
        }
        return f;
    }
}
