package io.orch.cli;

import io.orch.cli.commands.DirectCommands;
import io.orch.cli.commands.OrchCommand;
import io.orch.cli.parse.PlainArguments;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * A hot command ({@link DirectCommands}) run without picocli: its global options and arguments
 * read by {@link PlainArguments}, its failures reported as picocli's run reports them (the same
 * {@link ErrorHandler}). A one-shot launcher tries it first and hands anything it declines (help,
 * an error in the arguments, any other command) to picocli: same output, same exit codes, about
 * 40 ms less of a cold JVM's start for the commands people type most (bench/run cli).
 */
public final class DirectLaunch {
    private DirectLaunch() {}

    /** A command ready to run under its root. */
    public record Parsed(OrchCli root, OrchCommand command) {}

    /** {@code args} read without picocli, or null when they are not a hot command in the plain subset. */
    public static Parsed parse(PrintWriter out, PrintWriter err, CliEnvironment environment, String... args) {
        OrchCli root = new OrchCli(out, err, environment);
        // the root's options as OrchCli.spec() declares them
        PlainArguments globals = new PlainArguments()
                .value(v -> root.host = v, "-H", "--host")
                .flag(() -> root.tlsVerify = true, "--tlsverify")
                .value(v -> root.tlsCaCert = Path.of(v), "--tlscacert")
                .value(v -> root.tlsCert = Path.of(v), "--tlscert")
                .value(v -> root.tlsKey = Path.of(v), "--tlskey")
                .flag(() -> root.debug = true, "--debug");
        int at = globals.read(args, 0, true);
        if (at < 0 || at + 1 >= args.length) {
            return null;
        }
        OrchCommand command = DirectCommands.parse(root, args[at], args[at + 1], args, at + 2);
        return command == null ? null : new Parsed(root, command);
    }

    /** Runs {@code args} without picocli and returns the exit code, or null when they need picocli. */
    public static Integer run(PrintWriter out, PrintWriter err, CliEnvironment environment, String... args) {
        Parsed parsed = parse(out, err, environment, args);
        if (parsed == null) {
            return null;
        }
        try {
            return parsed.command().call();
        } catch (Exception e) {
            return new ErrorHandler(parsed.root()).report(e);
        }
    }
}
