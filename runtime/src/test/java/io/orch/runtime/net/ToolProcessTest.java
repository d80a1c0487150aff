package io.orch.runtime.net;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolProcessTest {
    private static final Duration DEADLINE = Duration.ofSeconds(15); // a deadline, not a goal

    @Test
    void stdinIsFedAndStdoutAndStderrAreMerged() throws IOException {
        ToolProcess.Output out = ToolProcess.run(List.of("sh", "-c", "cat; echo oops >&2; exit 3"), "hello\n", "test");
        assertEquals(3, out.exitCode());
        assertEquals("hello\noops", out.text());
    }

    @Test
    void aChattyCommandNeitherBlocksOnAFullPipeNorFillsTheHeap() {
        ToolProcess.Output out = assertTimeoutPreemptively(DEADLINE, () ->
                ToolProcess.run(List.of("sh", "-c", "head -c 4000000 /dev/zero | tr '\\0' x"), null, "chatty"));
        assertEquals(0, out.exitCode());
        assertEquals(ToolProcess.MAX_OUTPUT_BYTES, out.text().length());
    }

    @Test
    void aChildLeftHoldingTheOutputPipeDoesNotHoldTheCaller() throws Exception {
        ToolProcess.Output out = assertTimeoutPreemptively(DEADLINE, () ->
                ToolProcess.run(List.of("sh", "-c", "sleep 300 & echo $!"), null, "leaves a child"));
        try {
            assertEquals(0, out.exitCode());
            assertTrue(out.text().matches("\\d+"), out.text());
        } finally {
            new ProcessBuilder("kill", out.text().trim()).start().waitFor();
        }
    }

    @Test
    void aCommandPastItsTimeoutIsKilledAndNamed() {
        IOException e = assertThrows(IOException.class,
                () -> ToolProcess.run(List.of("sleep", "300"), null, "sleep 300", 1));
        assertEquals("sleep 300 timed out after 1 s", e.getMessage());
    }
}
