package io.orch.cli.commands;

import picocli.CommandLine.Command;

@Command(name = "cert", description = "Manage certificates of the cluster's API clients.", subcommands = {CertIssueCommand.class})
public final class CertCommand extends GroupCommand {}
