package io.orch.packaging;

import io.orch.agent.AgentCommand;
import io.orch.agent.InitCommand;
import io.orch.agent.JoinCommand;
import io.orch.cli.OrchCli;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.Set;

/**
 * The single entry point of bin/orch: the CLI's command tree plus the agent's commands
 * (`orch init`, `orch join`, `orch agent`), so one binary is both the daemon and its client. Only this module sees both.
 */
public final class Launcher {
    private Launcher() {}

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = OrchCli.commandLine(out, err);
        CommandLine init = new CommandLine(new InitCommand());
        init.setOut(out);
        init.setErr(err);
        cli.addSubcommand("init", init);
        CommandLine join = new CommandLine(new JoinCommand());
        join.setOut(out);
        join.setErr(err);
        cli.addSubcommand("join", join);
        CommandLine agent = new CommandLine(new AgentCommand());
        agent.setOut(out);
        agent.setErr(err);
        cli.addSubcommand("agent", agent);
        return cli;
    }

    /**
     * What {@code args} run: for an agent command (init, join, agent) the CLI's root with that
     * command alone, since the agent runs inside {@code execute} and keeps the tree it was started
     * from reachable for its whole life (the CLI's ~300 command and picocli classes and their
     * introspected model: bench/README.md, memory); the whole tree otherwise (completion, help).
     */
    public static CommandLine commandLineFor(PrintWriter out, PrintWriter err, String... args) {
        String word = agentCommandWord(args);
        if (word == null) {
            return commandLine(out, err);
        }
        CommandLine root = OrchCli.rootCommandLine(out, err);
        CommandLine agent = new CommandLine(switch (word) {
            case "init" -> new InitCommand();
            case "join" -> new JoinCommand();
            default -> new AgentCommand();
        });
        agent.setOut(out);
        agent.setErr(err);
        root.addSubcommand(word, agent);
        return root;
    }

    /** The first argument that is not an option when it is an agent command, else null (what bin/orch routes here). */
    static String agentCommandWord(String... args) {
        CommandLine.Model.CommandSpec rootSpec = OrchCli.rootCommandLine(NOWHERE, NOWHERE).getCommandSpec();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                return AGENT_COMMANDS.contains(arg) ? arg : null;
            }
            CommandLine.Model.OptionSpec option = rootSpec.findOption(arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg);
            if (option != null && !arg.contains("=") && option.arity().max() > 0) {
                i++; // its value
            }
        }
        return null;
    }

    private static final Set<String> AGENT_COMMANDS = Set.of("init", "join", "agent");
    private static final PrintWriter NOWHERE = new PrintWriter(Writer.nullWriter());

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = commandLineFor(out, err, args).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
