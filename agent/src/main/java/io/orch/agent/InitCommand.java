package io.orch.agent;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/**
 * `orch init`: runs this node's agent in the foreground until SIGTERM or SIGINT, creating a new
 * cluster, or resuming the one its data directory already holds.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Initialize a cluster (or resume the one in --data-dir) and run this node's agent in the foreground.",
                "Raft traffic uses the --listen-addr port + 2.",
                "The API listens on --api-socket and/or --api-addr; with neither, on the default socket."})
public final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentOptions options = new AgentOptions();

    @Option(names = "--force-new-cluster", description = "Recover a cluster that lost its quorum: this manager "
            + "becomes the only voter, keeping all the state in its --data-dir; other managers join it again.")
    boolean forceNewCluster;

    @Override
    public Integer call() throws Exception {
        return AgentRunner.runUntilStopped(config(), spec.commandLine().getOut());
    }

    AgentConfig config() throws Exception {
        return options.config(null, forceNewCluster);
    }
}
