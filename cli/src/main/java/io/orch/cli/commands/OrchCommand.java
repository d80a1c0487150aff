package io.orch.cli.commands;

import io.orch.cli.CliEnvironment;
import io.orch.cli.OrchCli;
import io.orch.cli.client.ApiException;
import io.orch.cli.client.DockerApi;
import java.io.PrintWriter;
import java.util.List;
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

    /** The root when run without picocli ({@link DirectCommands}); else picocli's model holds it. */
    private OrchCli directRoot;

    void runUnder(OrchCli root) {
        this.directRoot = root;
    }

    protected OrchCli root() {
        return directRoot != null ? directRoot : (OrchCli) spec.root().userObject();
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

    /** What an rm-like command does with one of its arguments. */
    @FunctionalInterface
    protected interface PerName {
        void apply(String name) throws ApiException;
    }

    /**
     * Docker's rm commands: each name on its own, a failure one line on stderr while the rest
     * still go; exit 1 if any failed.
     */
    protected int forEachName(List<String> names, PerName action) {
        int failures = 0;
        for (String name : names) {
            try {
                action.apply(name);
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
