package io.orch.packaging;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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
        // the CLI entry as main runs it: a hot command without picocli, anything else on its own subtree
        int code = cliOnly ? CliLauncher.run(w, e, args) : Launcher.commandLine(w, e).execute(args);
        return code + "\n" + out + err;
    }

    @Test
    void topLevelHelpOfTheCliEntryIsTheFullLaunchersWithTheAgentCommandsListed() {
        String cli = run(true, "--help");
        assertEquals(run(false, "--help"), cli);
        assertTrue(cli.contains("  init ") && cli.contains("  join ") && cli.contains("  agent "), cli);
    }

    @Test
    void aCommandRunOnItsOwnSubtreeAnswersAsOnTheWholeTree() {
        for (String[] args : new String[][] {{"service", "ls", "--help"}, {"-H", "tcp://127.0.0.1:1", "node", "--help"},
                {"--host=tcp://127.0.0.1:1", "service", "create", "--help"}, {"servce", "ls"}, {"service", "lss"},
                {"version", "--bogus"}, {"service", "ls", "--bogus"}, {"service", "create"}, {"node", "ls", "-h"},
                {"stack", "deploy", "--help"}, {"service"}, {"service", "list", "--help"},
                {"--version"}, {"-H", "tcp://127.0.0.1:1", "--version"}, {"--version", "--bogus"}, {"--version", "--help"},
                // read without picocli: no agent listens there, the same error line and exit code
                {"-H", "tcp://127.0.0.1:1", "service", "ls"}, {"-H", "tcp://127.0.0.1:1", "node", "ls", "-q"},
                {"--host=tcp://127.0.0.1:1", "service", "ps", "web", "--no-trunc"}}) {
            assertEquals(run(false, args), run(true, args), String.join(" ", args));
        }
    }

    @Test
    void onlyTheTopLevelCommandTheArgumentsNameIsBuilt() {
        PrintWriter nowhere = new PrintWriter(java.io.Writer.nullWriter());
        CommandLine tree = CliLauncher.commandLine(nowhere, nowhere, "-H", "tcp://127.0.0.1:1", "service", "ls");
        assertEquals(java.util.Set.of("service"), tree.getSubcommands().keySet(), "not even the agent's stand-ins");
        assertEquals(java.util.Set.of("ls", "list"), tree.getSubcommands().get("service").getSubcommands().keySet(), "ls and its alias");
        assertTrue(CliLauncher.commandLine(nowhere, nowhere, "service", "--help").getSubcommands().get("service")
                .getSubcommands().containsKey("create"), "a group's help lists all its commands");
        assertTrue(CliLauncher.commandLine(nowhere, nowhere, "--help").getSubcommands().keySet().containsAll(
                java.util.Set.of("node", "init", "join", "agent")), "the whole tree, the agent's stand-ins included");
        assertTrue(CliLauncher.commandLine(nowhere, nowhere, "-H", "service").getSubcommands().containsKey("node"),
                "-H's value is not a command");
    }

    @Test
    void anAgentCommandReachingTheCliEntrySaysHowToStartItInsteadOfParsingItsFlags() {
        String result = run(true, "agent", "--data-dir", "/nonexistent");
        assertTrue(result.startsWith("2\n"), result);
        assertTrue(result.contains("Error: `orch agent` runs the agent"), result);
    }
}
