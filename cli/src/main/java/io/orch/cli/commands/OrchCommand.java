package io.orch.cli.commands;

import io.orch.cli.CliEnvironment;
import io.orch.cli.OrchCli;
import io.orch.cli.client.DockerApi;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Base of every leaf command: access to the root's streams, environment and API client. */
public abstract class OrchCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean helpRequested;

    protected OrchCli root() {
        return (OrchCli) spec.root().userObject();
    }

    protected PrintWriter out() {
        return root().out();
    }

    protected PrintWriter err() {
        return root().err();
    }

    protected DockerApi api() {
        return root().api();
    }

    protected CliEnvironment environment() {
        return root().environment();
    }
}
