package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.parse.Filters;
import io.orch.cli.progress.UpdateProgress;
import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code orch service rollback SERVICE}: as docker, sends the current spec with
 * {@code rollback=previous} (the server swaps in PreviousSpec) and follows the rollback until
 * {@code rollback_completed}; exit 1 with the reason if it pauses.
 */
@Command(name = "rollback", description = "Revert changes to a service's configuration.")
public final class ServiceRollbackCommand extends OrchCommand {
    @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the service to converge.")
    boolean detach;

    @Option(names = {"-q", "--quiet"}, description = "Suppress progress output.")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Override
    public Integer call() {
        JsonNode current = api().service(service, false);
        String id = current.path("ID").asText();
        long version = current.path("Version").path("Index").asLong();
        api().post("/services/" + Filters.encode(id) + "/update?rollback=previous&version=" + version, current.path("Spec"));
        out().println(service);
        out().flush();
        if (!detach) {
            PrintWriter progress = quiet ? new PrintWriter(Writer.nullWriter()) : out();
            ConvergenceWait.await(api(), id, progress, environment().terminal(), UpdateProgress.Goal.ROLLBACK, current.path("UpdateStatus"));
        }
        return 0;
    }
}
