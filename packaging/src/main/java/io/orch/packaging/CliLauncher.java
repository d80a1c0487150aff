package io.orch.packaging;

import io.orch.cli.CliEnvironment;
import io.orch.cli.DirectLaunch;
import io.orch.cli.OrchCli;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * bin/orch's entry point for every command but the agent's: the CLI's command tree alone, on a
 * class path without the agent's jars (Netty, gRPC, Ratis), so a short-lived client starts fast.
 * It must not reference io.orch.agent: those classes are not on its class path. `orch --help`
 * still lists init, join and agent, as {@link AgentCommandPlaceholders}. Only the command the
 * arguments name is built (picocli introspects every command it is given before parsing).
 */
public final class CliLauncher {
    private CliLauncher() {}

    /** The command tree {@code args} need: the top-level command they name, or all of them. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = OrchCli.commandLineFor(out, err, args);
        // The stand-ins only serve the whole tree (help, suggestions for a typo, an agent command
        // reaching this entry); a tree built for one command never reaches them, and each costs a
        // CommandLine with its own converter registry.
        if (cli.getSubcommands().size() >= OrchCli.COMMANDS.size()) {
            AgentCommandPlaceholders.addTo(cli);
        }
        return cli;
    }

    public static void main(String[] args) {
        configurePicocli();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one command: a hot command read without picocli ({@link DirectLaunch}: picocli's class
     * initialisation is about 40 ms of a cold JVM), anything else, help and errors in the
     * arguments included, through picocli. The exit code.
     */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        Integer direct = DirectLaunch.run(out, err, CliEnvironment.system(), args);
        return direct != null ? direct : commandLine(out, err, args).execute(args);
    }

    /**
     * picocli looks for Groovy's Closure class before it builds its first command, which opens every
     * jar on the class path in search of it; the CLI has no Groovy and no closures in its
     * annotations (picocli's documented switch; -Dpicocli.disable.closures=false still wins).
     */
    static void configurePicocli() {
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
    }
}
