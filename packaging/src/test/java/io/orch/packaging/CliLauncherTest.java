package io.orch.packaging;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliLauncherTest {
    private static String run(boolean cliOnly, String... args) {
        StringWriter out = new StringWriter();
        PrintWriter w = new PrintWriter(out, true);
        StringWriter err = new StringWriter();
        PrintWriter e = new PrintWriter(err, true);
        int code = (cliOnly ? CliLauncher.commandLine(w, e) : Launcher.commandLine(w, e)).execute(args);
        return code + "\n" + out + err;
    }

    @Test
    void topLevelHelpOfTheCliEntryIsTheFullLaunchersWithTheAgentCommandsListed() {
        String cli = run(true, "--help");
        assertEquals(run(false, "--help"), cli);
        assertTrue(cli.contains("  init ") && cli.contains("  join ") && cli.contains("  agent "), cli);
    }

    @Test
    void anAgentCommandReachingTheCliEntrySaysHowToStartItInsteadOfParsingItsFlags() {
        String result = run(true, "agent", "--data-dir", "/nonexistent");
        assertTrue(result.startsWith("2\n"), result);
        assertTrue(result.contains("Error: `orch agent` runs the agent"), result);
    }
}
