package io.orch.cli.commands;

import static io.orch.cli.commands.HandBuiltSpecs.flag;
import static io.orch.cli.commands.HandBuiltSpecs.help;
import static io.orch.cli.commands.HandBuiltSpecs.repeated;
import static io.orch.cli.commands.HandBuiltSpecs.value;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The commands run most ({@code service ls}, {@code service ps}, {@code node ls}), modelled by hand
 * for a launcher that builds only the command it runs: the same model picocli reads from their
 * annotations (names, arity, types, converters, labels, descriptions), without reading them, which
 * is most of a short command's start-up ({@link HandBuiltSpecs}). The annotations stay the
 * source for the whole tree (help, completion, man pages); HotCommandsTest holds the two models
 * and their help and parse results equal.
 */
public final class HotCommands {
    private HotCommands() {}

    /**
     * The group {@code group} holding only its subcommand {@code word} (a name or an alias), both
     * modelled by hand, or null when the pair is not one of the hot commands. The group is
     * uninspected, as a launcher builds any group it does not run (no options of its own but help).
     */
    public static CommandLine group(String group, String word) {
        return switch (group) {
            case "service" -> switch (word) {
                case "ls", "list" -> groupWith(new ServiceCommand(), "service", "Manage services.", serviceLs(new ServiceLsCommand()));
                case "ps" -> groupWith(new ServiceCommand(), "service", "Manage services.", servicePs(new ServicePsCommand()));
                default -> null;
            };
            case "node" -> switch (word) {
                case "ls", "list" -> groupWith(new NodeCommand(), "node", "Manage cluster nodes.", nodeLs(new NodeLsCommand()));
                default -> null;
            };
            default -> null;
        };
    }

    private static CommandLine groupWith(GroupCommand command, String name, String description, CommandSpec only) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name(name);
        spec.usageMessage().description(description);
        CommandLine group = new CommandLine(spec);
        group.addSubcommand(only.name(), new CommandLine(only));
        return group;
    }

    /** A leaf command's spec: its name, aliases, description and the -h/--help every command has. */
    private static CommandSpec leaf(OrchCommand command, String name, String description, String... aliases) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name(name).aliases(aliases);
        spec.usageMessage().description(description);
        spec.addOption(help(() -> command.helpRequested, v -> command.helpRequested = v));
        command.spec = spec; // what @Spec injects
        return spec;
    }

    static CommandSpec serviceLs(ServiceLsCommand c) {
        CommandSpec spec = leaf(c, "ls", "List services.", "list");
        spec.addOption(flag(new String[] {"-q", "--quiet"}, "quiet", "Only display IDs.", () -> c.quiet, v -> c.quiet = v));
        spec.addOption(repeated(new String[] {"-f", "--filter"}, new Converters.Filter(), "<filters>",
                "Filter output (e.g. name=web, label=k=v, mode=global).", () -> c.filters, v -> c.filters = v));
        spec.addOption(value(new String[] {"--format"}, new Converters.ListFormat(), "<format>", "table (default) or json.",
                () -> c.format, v -> c.format = v));
        return spec;
    }

    static CommandSpec servicePs(ServicePsCommand c) {
        CommandSpec spec = leaf(c, "ps", "List the tasks of one or more services.");
        spec.addOption(flag(new String[] {"--no-trunc"}, "noTrunc", "Do not truncate output.", () -> c.noTrunc, v -> c.noTrunc = v));
        spec.addOption(flag(new String[] {"-q", "--quiet"}, "quiet", "Only display task IDs.", () -> c.quiet, v -> c.quiet = v));
        spec.addOption(repeated(new String[] {"-f", "--filter"}, new Converters.Filter(), "<filters>",
                "Filter output (e.g. desired-state=running, node=n1).", () -> c.filters, v -> c.filters = v));
        spec.addOption(value(new String[] {"--format"}, new Converters.ListFormat(), "<format>", "table (default) or json.",
                () -> c.format, v -> c.format = v));
        HandBuiltSpecs.FieldAccess<java.util.List<String>> services = new HandBuiltSpecs.FieldAccess<>(() -> c.services, v -> c.services = v);
        spec.addPositional(PositionalParamSpec.builder().arity("1..*").required(true).paramLabel("SERVICE").type(java.util.List.class)
                .auxiliaryTypes(String.class).getter(services).setter(services).initialValue(c.services).build());
        return spec;
    }

    static CommandSpec nodeLs(NodeLsCommand c) {
        CommandSpec spec = leaf(c, "ls", "List nodes in the cluster.", "list");
        spec.addOption(flag(new String[] {"-q", "--quiet"}, "quiet", "Only display IDs.", () -> c.quiet, v -> c.quiet = v));
        spec.addOption(value(new String[] {"-f", "--format"}, new Converters.ListFormat(), "<format>", "table (default) or json.",
                () -> c.format, v -> c.format = v));
        return spec;
    }
}
