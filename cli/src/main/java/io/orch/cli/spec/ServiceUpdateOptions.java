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

    @Option(names = "--entrypoint", description = "Overwrite the default ENTRYPOINT of the image (\"\" clears it).")
    public String entrypoint;

    @picocli.CommandLine.Mixin
    public TaskSettingsOptions task = new TaskSettingsOptions();

    @picocli.CommandLine.Mixin
    public ContainerOptions container = new ContainerOptions();

    @picocli.CommandLine.Mixin
    public ContainerListUpdateOptions lists = new ContainerListUpdateOptions();

    @Option(names = "--force", description = "Force update even if no changes require it (replaces every task).")
    public boolean force;
}
