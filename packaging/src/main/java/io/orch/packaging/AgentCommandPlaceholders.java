package io.orch.packaging;

import io.orch.cli.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Stand-ins for `orch init`, `orch join` and `orch agent` in the CLI's command tree, so its help
 * lists them with the agent's own summaries (a test holds the two in step). bin/orch routes those
 * commands to {@link Launcher} with the agent's class path; a stand-in only runs when the CLI entry
 * is started some other way, and then says how to start the agent instead of guessing.
 */
final class AgentCommandPlaceholders {
    /** name and the first line of the real command's description, in {@link Launcher}'s order. */
    static final List<String[]> COMMANDS = List.of(
            new String[] {"init", "Initialize a cluster (or resume the one in --data-dir) and run this node's agent in the foreground."},
            new String[] {"join", "Join a cluster as a worker or a manager (the token decides) and run this node's agent in the foreground."},
            new String[] {"agent", "Run this node's agent in the foreground; it joins a swarm through its API, as dockerd."});

    private AgentCommandPlaceholders() {}

    static void addTo(CommandLine cli) {
        for (String[] command : COMMANDS) {
            CommandLine placeholder = new CommandLine(spec(command[0], command[1], cli));
            placeholder.setOut(cli.getOut());
            placeholder.setErr(cli.getErr());
            cli.addSubcommand(command[0], placeholder);
        }
    }

    private static CommandSpec spec(String name, String summary, CommandLine root) {
        Callable<Integer> refuse = () -> {
            root.getErr().println("Error: `orch " + name + "` runs the agent: start it as the first word of bin/orch's "
                    + "command line (orch " + name + " ...), which runs it with the agent's class path");
            return ExitCodes.USAGE;
        };
        CommandSpec spec = CommandSpec.wrapWithoutInspection(refuse).name(name);
        spec.usageMessage().description(summary);
        // whatever the agent's flags are, they reach the refusal above rather than a parse error
        spec.parser().unmatchedOptionsArePositionalParams(true);
        spec.addPositional(PositionalParamSpec.builder().arity("0..*").paramLabel("ARGS").hidden(true).type(String[].class).build());
        return spec;
    }
}
