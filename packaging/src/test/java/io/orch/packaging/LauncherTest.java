package io.orch.packaging;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LauncherTest {
    private static final PrintWriter NOWHERE = new PrintWriter(Writer.nullWriter());

    private static String run(CommandLine tree, String... args) {
        StringWriter out = new StringWriter();
        tree.setOut(new PrintWriter(out, true));
        tree.setErr(new PrintWriter(out, true));
        return tree.execute(args) + "\n" + out;
    }

    @Test
    void anAgentCommandIsBuiltAloneUnderTheRoot() {
        for (String[][] c : new String[][][] {{{"init", "--help"}, {"init"}}, {{"--debug", "join", "--token", "x"}, {"join"}},
                {{"-H", "tcp://127.0.0.1:1", "agent"}, {"agent"}}, {{"--host=unix:///x", "init"}, {"init"}}}) {
            CommandLine tree = Launcher.commandLineFor(NOWHERE, NOWHERE, c[0]);
            assertEquals(Set.of(c[1][0]), tree.getSubcommands().keySet(), String.join(" ", c[0]));
        }
    }

    @Test
    void everythingElseGetsTheWholeTree() {
        for (String[] args : new String[][] {{"completion", "bash"}, {"--help"}, {}, {"-H", "init", "service", "ls"}, {"inti"}}) {
            Set<String> commands = Launcher.commandLineFor(NOWHERE, NOWHERE, args).getSubcommands().keySet();
            assertTrue(commands.containsAll(Set.of("service", "node", "init", "join", "agent", "completion")), String.join(" ", args));
        }
        assertNull(Launcher.agentCommandWord("-H", "init"), "-H's value is not a command");
    }

    @Test
    void anAgentCommandsHelpAndUsageErrorsReadAsOnTheWholeTree() {
        for (String[] args : new String[][] {{"init", "--help"}, {"join", "--help"}, {"agent", "--help"}, {"init", "--bogus"},
                {"join", "--listen-addr"}}) {
            assertEquals(run(Launcher.commandLine(NOWHERE, NOWHERE), args), run(Launcher.commandLineFor(NOWHERE, NOWHERE, args), args),
                    String.join(" ", args));
        }
    }
}
