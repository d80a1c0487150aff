package io.orch.agent;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * `orch agent`: runs this node's agent in the foreground, as dockerd: in no swarm until `docker
 * swarm init` or `docker swarm join` reaches its API, or resuming the swarm its data directory holds.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run this node's agent in the foreground; the node enters a swarm through its API, as dockerd does.",
                "With a --data-dir that holds no swarm, the node is in no swarm until one of:",
                "  docker -H HOST swarm init [--advertise-addr A] [--default-addr-pool CIDR] ...   (the first manager)",
                "  docker -H HOST swarm join --token TOKEN MANAGER:PORT                             (a worker or manager)",
                "After that it keeps its role across restarts (the data directory holds it), until",
                "  docker -H HOST swarm leave [--force]",
                "stops its tasks, removes the swarm state (images stay) and takes it back to no swarm.",
                "A manager leaves only with --force; the last manager's --force erases the swarm on that node.",
                "`orch init` and `orch join` are the short way: they start the agent and init or join at once.",
                "Raft traffic uses the --listen-addr port + 2; docker's default ListenAddr (0.0.0.0:2377) means --listen-addr."})
public final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentOptions options = new AgentOptions();

    @Override
    public Integer call() throws Exception {
        return AgentRunner.runUntilStopped(options.config(null, false), true, spec.commandLine().getOut());
    }
}
