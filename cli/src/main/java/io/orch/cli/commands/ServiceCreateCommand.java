package io.orch.cli.commands;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.spec.ServiceCreateOptions;
import io.orch.cli.spec.RolloutOptions;
import io.orch.cli.spec.RolloutSpecs;
import io.orch.cli.spec.ServiceSpecBuilder;
import io.orch.cli.client.RegistryAuth;
import io.orch.cli.parse.EnvFiles;
import io.orch.cli.parse.FileReferences.FileReference;
import io.orch.cli.parse.InvalidValueException;
import io.orch.cli.spec.ContainerListOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.stream.Collectors;
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
        ContainerListOptions lists = options.lists;
        for (String file : lists.envFiles) {
            try {
                lists.envFromFiles.addAll(EnvFiles.read(Path.of(file), environment().env()));
            } catch (InvalidValueException e) {
                throw new ParameterException(spec.commandLine(), "invalid argument for \"--env-file\": " + e.getMessage());
            }
        }
        lists.secretIds = FileObjectIds.lookup(api(), "secrets", lists.secrets.stream().map(FileReference::source).collect(Collectors.toSet()));
        lists.configIds = FileObjectIds.lookup(api(), "configs", lists.configs.stream().map(FileReference::source).collect(Collectors.toSet()));
        ObjectNode body;
        try {
            body = ServiceSpecBuilder.build(options);
            RolloutSpecs.apply(body, rollout);
        } catch (ServiceSpecBuilder.InvalidCombinationException e) {
            throw new ParameterException(spec.commandLine(), "invalid argument for \"" + e.flag + "\": " + e.getMessage());
        }
        String auth = options.container.withRegistryAuth ? RegistryAuth.forImage(options.image, environment().env()) : null;
        String id = api().createService(body, auth);
        out().println(id);
        out().flush();
        if (!detach) {
            PrintWriter progress = quiet ? new PrintWriter(Writer.nullWriter()) : out();
            ConvergenceWait.await(api(), id, progress, environment().terminal());
        }
        return 0;
    }
}
