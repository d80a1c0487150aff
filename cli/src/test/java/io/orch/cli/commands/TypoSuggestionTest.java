package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.orch.cli.testing.CliRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A mistyped command or flag: one error line, a "Did you mean" line, exit 2, as the docker CLI. */
class TypoSuggestionTest {
    @Test
    void aMistypedCommandSuggestsTheClosest() {
        CliRun r = CliRun.run("-H", "unix:///nonexistent/orch.sock", "servce", "ls");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(List.of("Error: unknown command \"servce\" for \"orch\"", "Did you mean: service?"), r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void aMistypedSubcommandSuggestsWithinItsParent() {
        CliRun r = CliRun.run("-H", "unix:///nonexistent/orch.sock", "service", "lss");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(List.of("Error: unknown command \"lss\" for \"orch service\"", "Did you mean: ls?"), r.errLines());
    }

    @Test
    void aMistypedFlagSuggestsTheFlag() {
        CliRun r = CliRun.run("-H", "unix:///nonexistent/orch.sock", "service", "create", "--replcias", "2", "busybox");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(List.of("Error: unknown flag: --replcias", "Did you mean: --replicas?"), r.errLines());
    }

    @Test
    void nothingCloseMeansNoSuggestion() {
        CliRun r = CliRun.run("-H", "unix:///nonexistent/orch.sock", "zzzzzzzz");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(List.of("Error: unknown command \"zzzzzzzz\" for \"orch\""), r.errLines());
    }
}
