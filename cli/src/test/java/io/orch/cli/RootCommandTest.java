package io.orch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The root command's hand-built model ({@code OrchCli.spec()}) is the one its annotations used to
 * give: orch_help.txt is `orch --help` as the annotated root printed it.
 */
class RootCommandTest {
    @Test
    void theRootsHelpIsTheAnnotatedRootsHelp() {
        CliRun r = CliRun.run("--help");
        assertEquals(0, r.exitCode());
        assertEquals(Fixtures.text("orch_help.txt"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void noCommandPrintsTheSameHelp() {
        assertEquals(Fixtures.text("orch_help.txt"), CliRun.run().out());
    }

    @Test
    void versionPrintsTheVersionLine() {
        CliRun r = CliRun.run("--version");
        assertEquals(0, r.exitCode());
        assertEquals("orch version " + OrchCli.clientVersion() + ", API " + io.orch.api.Defaults.API_VERSION + "\n", r.out());
    }

    @Test
    void aGlobalOptionWithoutItsValueIsAUsageErrorNamingIt() {
        CliRun root = CliRun.run("--host");
        assertEquals(2, root.exitCode());
        assertEquals("Error: Missing required parameter for option '--host' (URL)\n", root.err());
    }
}
