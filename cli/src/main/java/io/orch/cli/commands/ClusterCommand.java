package io.orch.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "cluster", description = "Manage the cluster.", subcommands = {ClusterUpdateCommand.class})
public final class ClusterCommand extends GroupCommand {}
