package io.orch.agent;

import io.orch.agent.manager.ClusterBootstrap;
import io.orch.scheduler.network.ClusterAddressPools;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `orch init`: runs this node's agent in the foreground until SIGTERM or SIGINT, creating a new
 * cluster, or resuming the one its data directory already holds.
 */
@Command(name = "init", mixinStandardHelpOptions = true, defaultValueProvider = AgentConfigFile.class,
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

    @Option(names = "--default-addr-pool", paramLabel = "CIDR", description = "Address pool overlay networks without "
            + "--subnet get theirs from, repeatable (default: 10.0.0.0/8). Fixed when the cluster is created.")
    List<String> defaultAddrPools = new ArrayList<>();

    @Option(names = "--default-addr-pool-mask-length", paramLabel = "N", description = "Prefix length of each such "
            + "subnet, between the pools' prefix and 29 (default: ${DEFAULT-VALUE}).")
    int subnetSize = ClusterAddressPools.DEFAULT_SUBNET_SIZE;

    @Option(names = "--data-path-port", paramLabel = "PORT", description = "UDP port of the overlay (VXLAN) data path, "
            + "1024-49151 (default: ${DEFAULT-VALUE}).")
    int dataPathPort = ClusterAddressPools.DEFAULT_DATA_PATH_PORT;

    @Option(names = "--autolock", description = "Lock the managers: their store key files are encrypted with an unlock "
            + "key, shown once here (and by `orch unlock-key`), that a restarted manager needs (`orch unlock`). "
            + "For a new cluster; a running one: `orch cluster update --autolock=true`.")
    boolean autolock;

    @Override
    public Integer call() throws Exception {
        options.start(spec);
        AgentConfig config = AgentOptions.locating(spec, this::config);
        return AgentRunner.runUntilStopped(config, AgentOptions.locating(spec, options::metricsAddr), false,
                spec.commandLine().getOut());
    }

    AgentConfig config() throws Exception {
        List<String> pools = defaultAddrPools.isEmpty() ? List.of(ClusterAddressPools.DEFAULT_POOL) : defaultAddrPools;
        return options.config(null, forceNewCluster, new ClusterBootstrap.AddressPools(pools, subnetSize, dataPathPort))
                .withAutolock(autolock);
    }
}
