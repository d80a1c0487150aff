package io.orch.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.spec.ServiceCreateOptions;
import io.orch.cli.spec.RolloutOptions;
import io.orch.cli.spec.RolloutSpecs;
import io.orch.cli.spec.ServiceSpecBuilder;
import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code orch service create [OPTIONS] IMAGE [COMMAND] [ARG...]}: every flag is checked before
 * anything is sent; then POST /services/create, print the ID and (unless -d) wait for convergence.
 */
@Command(name = "create", description = "Create a new service.")
public final class ServiceCreateCommand extends OrchCommand {
    @Mixin
    ServiceCreateOptions options;

    @Mixin
    RolloutOptions rollout;

    @Option(names = {"-d", "--detach"}, description = "Exit immediately instead of waiting for the service to converge.")
    boolean detach;

    @Option(names = {"-q", "--quiet"}, description = "Suppress progress output.")
    boolean quiet;

    @Override
    public Integer call() {
        ObjectNode body;
        try {
            body = ServiceSpecBuilder.build(options);
            RolloutSpecs.apply(body, rollout);
        } catch (ServiceSpecBuilder.InvalidCombinationException e) {
            throw new ParameterException(spec.commandLine(), "invalid argument for \"" + e.flag + "\": " + e.getMessage());
        }
        String id = api().createService(body);
        out().println(id);
        out().flush();
        if (!detach) {
            PrintWriter progress = quiet ? new PrintWriter(Writer.nullWriter()) : out();
            ConvergenceWait.await(api(), id, progress, environment().terminal());
        }
        return 0;
    }
}
