package io.orch.packaging;

import io.orch.agent.AgentCommand;
import io.orch.agent.InitCommand;
import io.orch.agent.JoinCommand;
import io.orch.cli.OrchCli;
import picocli.CommandLine;

import java.io.PrintWriter;

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

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
