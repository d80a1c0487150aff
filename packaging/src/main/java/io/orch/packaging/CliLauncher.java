package io.orch.packaging;

import io.orch.cli.OrchCli;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * bin/orch's entry point for every command but the agent's: the CLI's command tree alone, on a
 * class path without the agent's jars (Netty, gRPC, Ratis), so a short-lived client starts fast.
 * It must not reference io.orch.agent: those classes are not on its class path. `orch --help`
 * still lists init, join and agent, as {@link AgentCommandPlaceholders}.
 */
public final class CliLauncher {
    private CliLauncher() {}

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = OrchCli.commandLine(out, err);
        AgentCommandPlaceholders.addTo(cli);
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
