package io.orch.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "stack", description = "Manage stacks (applications described in compose files).", subcommands = {
        StackDeployCommand.class, StackLsCommand.class, StackServicesCommand.class, StackPsCommand.class,
        StackRmCommand.class, StackConfigCommand.class})
public final class StackCommand extends GroupCommand {}
