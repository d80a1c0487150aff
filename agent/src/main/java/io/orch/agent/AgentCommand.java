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
@Command(name = "agent", mixinStandardHelpOptions = true, defaultValueProvider = AgentConfigFile.class,
        description = {"Run this node's agent in the foreground; it joins a swarm through its API, as dockerd.",
                "In no swarm until one of:",
                "  docker -H H swarm init          first manager of a new swarm",
                "  docker -H H swarm join --token T MANAGER:PORT",
                "                                  worker or manager, as the token says",
                "  docker -H H swarm leave [--force]",
                "                                  stop its tasks, erase its swarm state (images",
                "                                  stay), back to no swarm; a manager needs --force",
                "It keeps its role across restarts on the same --data-dir until it leaves.",
                "`orch init` / `orch join` do the same in one step.",
                "Raft uses the --listen-addr port + 2. The docker CLI's default ListenAddr",
                "(0.0.0.0:2377) means this agent's --listen-addr.",
                ""})
public final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentOptions options = new AgentOptions();

    @Override
    public Integer call() throws Exception {
        options.start(spec);
        AgentConfig config = AgentOptions.locating(spec, () -> options.config(null, false));
        return AgentRunner.runUntilStopped(config, AgentOptions.locating(spec, options::metricsAddr), true,
                spec.commandLine().getOut());
    }
}
