package io.orch.cli.spec;

import io.orch.cli.commands.Converters;
import io.orch.cli.parse.PortConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The spec-changing flags of {@code service update}, with docker's names. Each given flag
 * changes its part of the current spec; nothing else changes (see {@link ServiceSpecUpdater}).
 */
public class ServiceUpdateOptions {
    @Option(names = "--image", description = "Service image tag.")
    public String image;

    @Option(names = "--args", description = "Service command args (replaces them; quoted words stay together).")
    public String args;

    @Option(names = "--env-add", description = "Add or update an environment variable.")
    public List<String> envAdd = new ArrayList<>();

    @Option(names = "--env-rm", description = "Remove an environment variable.")
    public List<String> envRm = new ArrayList<>();

    @Option(names = "--replicas", converter = Converters.NonNegativeLong.class, description = "Number of tasks.")
    public Long replicas;

    @Option(names = "--publish-add", converter = Converters.Publish.class, description = "Add or update a published port.")
    public List<PortConfig> publishAdd = new ArrayList<>();

    /** Network name → ID, filled by the command before the update (the stored spec names networks by ID). */
    public java.util.Map<String, String> networkIds = new java.util.HashMap<>();

    @Option(names = "--network-add", converter = Converters.Network.class,
            description = "Add a network: NAME or name=NAME,alias=A,driver-opt=K=V (rolls the tasks).")
    public List<io.orch.cli.parse.NetworkAttachmentSpec> networkAdd = new ArrayList<>();

    @Option(names = "--network-rm", description = "Remove a network by name or ID (rolls the tasks).")
    public List<String> networkRm = new ArrayList<>();

    @Option(names = "--endpoint-mode", converter = Converters.EndpointMode.class, description = "vip or dnsrr.")
    public String endpointMode;

    @Option(names = "--publish-rm", description = "Remove a published port by its target port (80 or 80/udp, or a full publish spec).")
    public List<String> publishRm = new ArrayList<>();

    @Option(names = "--constraint-add", description = "Add or update a placement constraint.")
    public List<String> constraintAdd = new ArrayList<>();

    @Option(names = "--constraint-rm", description = "Remove a constraint.")
    public List<String> constraintRm = new ArrayList<>();

    @Option(names = "--placement-pref-add", converter = ServiceCreateOptions.PlacementPrefConverter.class, description = "Add a placement preference (spread=node.labels.X).")
    public List<String> placementPrefAdd = new ArrayList<>();

    @Option(names = "--placement-pref-rm", converter = ServiceCreateOptions.PlacementPrefConverter.class, description = "Remove a placement preference.")
    public List<String> placementPrefRm = new ArrayList<>();

    @Option(names = "--limit-cpu", converter = Converters.NanoCpus.class, description = "Limit CPUs.")
    public Long limitCpu;

    @Option(names = "--limit-memory", converter = Converters.Size.class, description = "Limit memory.")
    public Long limitMemory;

    @Option(names = "--limit-pids", converter = Converters.NonNegativeLong.class, description = "Limit the number of processes (0 = unlimited).")
    public Long limitPids;

    @Option(names = "--reserve-cpu", converter = Converters.NanoCpus.class, description = "Reserve CPUs.")
    public Long reserveCpu;

    @Option(names = "--reserve-memory", converter = Converters.Size.class, description = "Reserve memory.")
    public Long reserveMemory;

    @Option(names = "--restart-condition", converter = Converters.RestartCondition.class, description = "none, on-failure or any.")
    public String restartCondition;

    @Option(names = "--restart-delay", converter = Converters.Duration.class, description = "Delay between restart attempts (ns|us|ms|s|m|h).")
    public Long restartDelay;

    @Option(names = "--restart-max-attempts", converter = Converters.NonNegativeLong.class, description = "Maximum number of restarts before giving up.")
    public Long restartMaxAttempts;

    @Option(names = "--restart-window", converter = Converters.Duration.class, description = "Window used to evaluate the restart policy.")
    public Long restartWindow;

    @Option(names = "--replicas-max-per-node", converter = Converters.NonNegativeLong.class, description = "Maximum tasks per node (0 = unlimited).")
    public Long maxReplicasPerNode;

    @Option(names = "--stop-grace-period", converter = Converters.Duration.class, description = "Time to wait before force killing a container.")
    public Long stopGracePeriod;

    @Option(names = "--stop-signal", description = "Signal to stop the container.")
    public String stopSignal;

    @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container.")
    public String workdir;

    @Option(names = {"-u", "--user"}, description = "Username or UID (format: <name|uid>[:<group|gid>]).")
    public String user;

    @Option(names = "--hostname", description = "Container hostname.")
    public String hostname;

    @Option(names = "--entrypoint", description = "Overwrite the default ENTRYPOINT of the image (\"\" clears it).")
    public String entrypoint;

    @picocli.CommandLine.Mixin
    public ContainerOptions container = new ContainerOptions();

    @picocli.CommandLine.Mixin
    public ContainerListUpdateOptions lists = new ContainerListUpdateOptions();

    @Option(names = "--force", description = "Force update even if no changes require it (replaces every task).")
    public boolean force;
}
