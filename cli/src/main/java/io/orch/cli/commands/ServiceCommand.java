package io.orch.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "service", description = "Manage services.", subcommands = {
        ServiceCreateCommand.class, ServiceLsCommand.class, ServicePsCommand.class,
        ServiceInspectCommand.class, ServiceScaleCommand.class, ServiceRmCommand.class,
        ServiceUpdateCommand.class, ServiceRollbackCommand.class, ServiceLogsCommand.class})
public final class ServiceCommand extends GroupCommand {}
