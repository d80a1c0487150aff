package io.orch.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "secret", description = "Manage secrets.", subcommands = {
        SecretCommand.Create.class, SecretCommand.Ls.class, SecretCommand.Inspect.class, SecretCommand.Rm.class})
public final class SecretCommand extends GroupCommand {
    private static final String KIND = "secret";

    @Command(name = "create", description = "Create a secret from a file or STDIN (-).")
    public static final class Create extends FileObjectCommands.Create {
        @Override
        String kind() {
            return KIND;
        }
    }

    @Command(name = "ls", aliases = "list", description = "List secrets.")
    public static final class Ls extends FileObjectCommands.Ls {
        @Override
        String kind() {
            return KIND;
        }
    }

    @Command(name = "inspect", description = "Display detailed information on one or more secrets.")
    public static final class Inspect extends FileObjectCommands.Inspect {
        @Override
        String kind() {
            return KIND;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove one or more secrets.")
    public static final class Rm extends FileObjectCommands.Rm {
        @Override
        String kind() {
            return KIND;
        }
    }
}
