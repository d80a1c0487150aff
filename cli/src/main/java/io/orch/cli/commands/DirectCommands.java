package io.orch.cli.commands;

import io.orch.cli.OrchCli;
import io.orch.cli.parse.PlainArguments;
import java.util.ArrayList;

/**
 * The hot commands ({@code service ls}, {@code service ps}, {@code node ls}) read without picocli
 * ({@link PlainArguments}): their options as their annotations declare them, bound to a fresh
 * command whose root is given, not found through picocli's model. Null for arguments outside the
 * plain subset, which picocli then reads. DirectLaunchTest holds the option names here equal to
 * the annotated ones and the fields they set equal to what picocli sets.
 */
public final class DirectCommands {
    private DirectCommands() {}

    /**
     * The command {@code group word} with {@code args[from..]} read into it, run under {@code root};
     * null when the pair is not a hot command or an argument is outside the subset.
     */
    public static OrchCommand parse(OrchCli root, String group, String word, String[] args, int from) {
        OrchCommand command = switch (group + " " + word) {
            case "service ls", "service list" -> serviceLs(args, from);
            case "service ps" -> servicePs(args, from);
            case "node ls", "node list" -> nodeLs(args, from);
            default -> null;
        };
        if (command != null) {
            command.runUnder(root);
        }
        return command;
    }

    private static ServiceLsCommand serviceLs(String[] args, int from) {
        ServiceLsCommand c = new ServiceLsCommand();
        Converters.Filter filter = new Converters.Filter();
        Converters.ListFormat format = new Converters.ListFormat();
        PlainArguments plain = new PlainArguments()
                .flag(() -> c.quiet = true, "-q", "--quiet")
                .repeated(v -> c.filters.add(filter.convert(v)), "-f", "--filter")
                .value(v -> c.format = format.convert(v), "--format");
        return plain.read(args, from, false) < 0 ? null : c;
    }

    private static ServicePsCommand servicePs(String[] args, int from) {
        ServicePsCommand c = new ServicePsCommand();
        c.services = new ArrayList<>();
        Converters.Filter filter = new Converters.Filter();
        Converters.ListFormat format = new Converters.ListFormat();
        PlainArguments plain = new PlainArguments()
                .flag(() -> c.noTrunc = true, "--no-trunc")
                .flag(() -> c.quiet = true, "-q", "--quiet")
                .repeated(v -> c.filters.add(filter.convert(v)), "-f", "--filter")
                .value(v -> c.format = format.convert(v), "--format")
                .positionals(c.services::add);
        // SERVICE is required (arity 1..*): without one, picocli says so
        return plain.read(args, from, false) < 0 || c.services.isEmpty() ? null : c;
    }

    private static NodeLsCommand nodeLs(String[] args, int from) {
        NodeLsCommand c = new NodeLsCommand();
        Converters.ListFormat format = new Converters.ListFormat();
        PlainArguments plain = new PlainArguments()
                .flag(() -> c.quiet = true, "-q", "--quiet")
                .value(v -> c.format = format.convert(v), "-f", "--format");
        return plain.read(args, from, false) < 0 ? null : c;
    }
}
