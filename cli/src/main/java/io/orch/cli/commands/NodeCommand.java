package io.orch.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "node", description = "Manage cluster nodes.", subcommands = {NodeLsCommand.class, NodeInspectCommand.class, NodeUpdateCommand.class,
        NodePromoteCommand.class, NodeDemoteCommand.class, NodeRmCommand.class})
public final class NodeCommand extends GroupCommand {}
