package io.orch.cli.commands;

/** A command that only groups subcommands ({@code orch service}): prints its usage, like docker. */
public abstract class GroupCommand extends OrchCommand {
    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        out().flush();
        return 0;
    }
}
