package io.orch.cli.commands;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code orch service rm SERVICE...}: removes what it can; each failure is one stderr line, exit 1. */
@Command(name = "rm", aliases = "remove", description = "Remove one or more services.")
public final class ServiceRmCommand extends OrchCommand {
    @Parameters(arity = "1..*", paramLabel = "SERVICE")
    List<String> services;

    @Override
    public Integer call() {
        return forEachName(services, s -> {
            api().removeService(s);
            out().println(s);
        });
    }
}
