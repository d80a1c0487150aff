package io.orch.cli.commands;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The four commands secrets and configs share ({@code create}, {@code ls}, {@code inspect},
 * {@code rm}): the same options and behaviour, told apart only by {@link #kind()}. Each of
 * {@link SecretCommand} and {@link ConfigCommand} names its own subclasses so that picocli can
 * give them their own help text.
 */
final class FileObjectCommands {
    private FileObjectCommands() {}

    /** {@code orch secret|config create [--label k=v] NAME FILE|-}. */
    abstract static class Create extends OrchCommand {
        @Option(names = {"-l", "--label"}, description = "Labels (key=value).")
        List<String> labels = new ArrayList<>();

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        abstract String kind();

        @Override
        public Integer call() {
            out().println(new FileObjects(api(), kind()).create(name, file, labels, System.in));
            out().flush();
            return 0;
        }
    }

    abstract static class Ls extends OrchCommand {
        @Option(names = {"-q", "--quiet"}, description = "Only display IDs.")
        boolean quiet;

        @Option(names = {"-f", "--filter"}, converter = Converters.Filter.class, description = "Filter output (id=, name=, label=).")
        List<String> filters = new ArrayList<>();

        @Option(names = "--format", converter = Converters.ListFormat.class, description = "table (default) or json.")
        String format = "table";

        abstract String kind();

        @Override
        public Integer call() {
            FileObjects objects = new FileObjects(api(), kind());
            objects.printList(objects.list(filters), quiet, format, environment().clock().instant(), out());
            out().flush();
            return 0;
        }
    }

    abstract static class Inspect extends OrchCommand {
        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        abstract String kind();

        @Override
        public Integer call() {
            int failures = new FileObjects(api(), kind()).inspect(names, out(), err());
            out().flush();
            err().flush();
            return failures == 0 ? 0 : 1;
        }
    }

    abstract static class Rm extends OrchCommand {
        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        abstract String kind();

        @Override
        public Integer call() {
            int failures = new FileObjects(api(), kind()).remove(names, out(), err());
            out().flush();
            err().flush();
            return failures == 0 ? 0 : 1;
        }
    }
}
