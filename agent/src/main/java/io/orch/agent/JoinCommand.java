package io.orch.agent;

import io.orch.agent.pki.JoinToken;
import io.orch.api.Defaults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * `orch join --token TOKEN MANAGER:PORT`: joins this node to a cluster as a worker or a manager
 * (the token decides) and runs its agent in the foreground. A data directory that already holds
 * a node resumes it (the token is then not needed again).
 */
@Command(name = "join", mixinStandardHelpOptions = true, defaultValueProvider = AgentConfigFile.class,
        description = {"Join a cluster as a worker or a manager (the token decides) and run this node's agent in the foreground.",
                "Get a token on a manager with `orch join-token worker` or `orch join-token manager`."})
public final class JoinCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AgentOptions options = new AgentOptions();

    @Option(names = "--token", required = true, paramLabel = "TOKEN", description = "Join token (SWMTKN-1-...).")
    String token;

    @Parameters(index = "0", paramLabel = "MANAGER:PORT", description = "A manager's listen address.")
    String manager;

    @Override
    public Integer call() throws Exception {
        options.start(spec);
        AgentConfig config = AgentOptions.locating(spec, this::config);
        return AgentRunner.runUntilStopped(config, AgentOptions.locating(spec, options::metricsAddr), false,
                spec.commandLine().getOut());
    }

    AgentConfig config() throws Exception {
        AgentConfig.HostPort target = AgentConfig.HostPort.parse("MANAGER:PORT", manager, Defaults.LISTEN_PORT);
        if (target.host().equals("0.0.0.0")) {
            throw new IllegalArgumentException("MANAGER:PORT " + manager + ": a manager's address is needed, not a wildcard");
        }
        try {
            JoinToken.parse(token); // its form is checked here; whether it is valid, by the manager
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--token: " + e.getMessage());
        }
        return options.config(new AgentConfig.JoinTarget(token, target), false);
    }
}
