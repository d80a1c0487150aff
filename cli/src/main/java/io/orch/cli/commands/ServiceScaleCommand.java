package io.orch.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.client.CliException;
import io.orch.cli.parse.InvalidValueException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code orch service scale SERVICE=REPLICAS...}: all arguments are checked first (a typo in the
 * third must not leave the first two scaled); then each service gets its whole spec back with
 * Replicas replaced. A failing service does not stop the others; the exit code is then 1.
 */
@Command(name = "scale", description = "Scale one or multiple replicated services.")
public final class ServiceScaleCommand extends OrchCommand {
    @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the services to converge.")
    boolean detach;

    @Parameters(arity = "1..*", paramLabel = "SERVICE=REPLICAS")
    List<String> args;

    @Override
    public Integer call() {
        List<ScaleRequest> requests = new ArrayList<>();
        for (String a : args) {
            try {
                requests.add(ScaleRequest.parse(a));
            } catch (InvalidValueException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        List<String> scaled = new ArrayList<>();
        int failures = 0;
        for (ScaleRequest r : requests) {
            try {
                scaled.add(scale(r));
            } catch (CliException e) {
                err().println(e.line());
                failures++;
            }
        }
        out().flush();
        if (!detach) {
            for (String id : scaled) {
                ConvergenceWait.await(api(), id, out(), environment().terminal());
            }
        }
        err().flush();
        return failures == 0 ? 0 : 1;
    }

    private String scale(ScaleRequest r) {
        JsonNode service = api().service(r.service(), false);
        JsonNode mode = service.path("Spec").path("Mode");
        if (!mode.has("Replicated")) {
            throw new CliException(1, "Error: " + r.service() + ": scale can only be used with replicated mode");
        }
        ObjectNode spec = service.path("Spec").deepCopy();
        ((ObjectNode) spec.path("Mode").path("Replicated")).put("Replicas", r.replicas());
        String id = service.path("ID").asText();
        api().updateService(id, service.path("Version").path("Index").asLong(), spec);
        out().println(r.service() + " scaled to " + r.replicas());
        return id;
    }
}
