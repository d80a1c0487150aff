package io.orch.cli.commands;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "config", description = "Manage configs.", subcommands = {
        ConfigCommand.Create.class, ConfigCommand.Ls.class, ConfigCommand.Inspect.class, ConfigCommand.Rm.class})
public final class ConfigCommand extends GroupCommand {
    /** {@code orch config create [--label k=v] NAME FILE|-}. */
    @Command(name = "create", description = "Create a config from a file or STDIN (-).")
    public static final class Create extends OrchCommand {
        @Option(names = {"-l", "--label"}, description = "Config labels (key=value).")
        List<String> labels = new ArrayList<>();

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Override
        public Integer call() {
            out().println(new FileObjects(api(), "config").create(name, file, labels, System.in));
            out().flush();
            return 0;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List configs.")
    public static final class Ls extends OrchCommand {
        @Option(names = {"-q", "--quiet"}, description = "Only display IDs.")
        boolean quiet;

        @Option(names = {"-f", "--filter"}, converter = Converters.Filter.class, description = "Filter output (id=, name=, label=).")
        List<String> filters = new ArrayList<>();

        @Option(names = "--format", converter = Converters.ListFormat.class, description = "table (default) or json.")
        String format = "table";

        @Override
        public Integer call() {
            FileObjects objects = new FileObjects(api(), "config");
            objects.printList(objects.list(filters), quiet, format, environment().clock().instant(), out());
            out().flush();
            return 0;
        }
    }

    @Command(name = "inspect", description = "Display detailed information on one or more configs.")
    public static final class Inspect extends OrchCommand {
        @Parameters(arity = "1..*", paramLabel = "CONFIG")
        List<String> names;

        @Override
        public Integer call() {
            int failures = new FileObjects(api(), "config").inspect(names, out(), err());
            out().flush();
            err().flush();
            return failures == 0 ? 0 : 1;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more configs.")
    public static final class Rm extends OrchCommand {
        @Parameters(arity = "1..*", paramLabel = "CONFIG")
        List<String> names;

        @Override
        public Integer call() {
            int failures = new FileObjects(api(), "config").remove(names, out(), err());
            out().flush();
            err().flush();
            return failures == 0 ? 0 : 1;
        }
    }
}
