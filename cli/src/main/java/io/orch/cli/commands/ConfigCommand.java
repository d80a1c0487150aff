package io.orch.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "config", description = "Manage configs.", subcommands = {
        ConfigCommand.Create.class, ConfigCommand.Ls.class, ConfigCommand.Inspect.class, ConfigCommand.Rm.class})
public final class ConfigCommand extends GroupCommand {
    private static final String KIND = "config";

    @Command(name = "create", description = "Create a config from a file or STDIN (-).")
    public static final class Create extends FileObjectCommands.Create {
        @Override
        String kind() {
            return KIND;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List configs.")
    public static final class Ls extends FileObjectCommands.Ls {
        @Override
        String kind() {
            return KIND;
        }
    }

    @Command(name = "inspect", description = "Display detailed information on one or more configs.")
    public static final class Inspect extends FileObjectCommands.Inspect {
        @Override
        String kind() {
            return KIND;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more configs.")
    public static final class Rm extends FileObjectCommands.Rm {
        @Override
        String kind() {
            return KIND;
        }
    }
}
