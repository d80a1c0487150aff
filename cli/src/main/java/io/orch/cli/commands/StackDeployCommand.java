package io.orch.cli.commands;

import io.orch.cli.stack.StackDeployer;
import io.orch.cli.stack.StackFile;
import io.orch.cli.stack.StackValidatorNames;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code orch stack deploy -c FILE [-c FILE...] [--prune] [--detach=false] STACK}. */
@Command(name = "deploy", aliases = "up", description = "Deploy a new stack or update an existing stack.")
public final class StackDeployCommand extends OrchCommand {
    @Option(names = {"-c", "--compose-file"}, paramLabel = "FILE", required = true,
            description = "Path to a Compose file; repeat to merge several (later files override).")
    List<String> files = new ArrayList<>();

    @Option(names = "--prune", description = "Remove services that are no longer in the files.")
    boolean prune;

    @Option(names = {"-d", "--detach"}, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            description = "Exit immediately instead of waiting for the services to converge (default true).")
    boolean detach = true;

    @Option(names = {"-q", "--quiet"}, description = "Suppress progress output.")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "STACK")
    String stack;

    @Override
    public Integer call() {
        String problem = StackValidatorNames.stackNameProblem(stack);
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), "invalid stack name \"" + stack + "\": " + problem);
        }
        StackFile file = StackFiles.load(files, environment().env(), true, err());
        StackDeployer.Result result = new StackDeployer(api(), out()).deploy(file, stack, prune);
        if (!detach) {
            PrintWriter progress = quiet ? new PrintWriter(Writer.nullWriter()) : out();
            for (String id : result.changedServiceIds()) {
                ConvergenceWait.await(api(), id, progress, environment().terminal());
            }
        }
        out().flush();
        return 0;
    }
}
