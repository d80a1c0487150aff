package io.orch.cli.commands;

import io.orch.cli.stack.StackFile;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orch stack config -c FILE...}: prints the merged, interpolated, canonical file; contacts no agent. */
@Command(name = "config", description = "Print the fully resolved stack file.")
public final class StackConfigCommand extends OrchCommand {
    @Option(names = {"-c", "--compose-file"}, paramLabel = "FILE", required = true, description = "Path to a Compose file (repeatable).")
    List<String> files = new ArrayList<>();

    @Option(names = "--skip-interpolation", description = "Do not substitute environment variables.")
    boolean skipInterpolation;

    @Override
    public Integer call() {
        StackFile stack = StackFiles.load(files, environment().env(), !skipInterpolation, err());
        out().print(stack.toYaml());
        out().flush();
        return 0;
    }
}
