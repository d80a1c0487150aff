package io.orch.cli.commands;

import io.orch.cli.client.ApiException;
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
        int failures = 0;
        for (String s : services) {
            try {
                api().removeService(s);
                out().println(s);
            } catch (ApiException e) {
                err().println(e.line());
                failures++;
            }
        }
        out().flush();
        err().flush();
        return failures == 0 ? 0 : 1;
    }
}
