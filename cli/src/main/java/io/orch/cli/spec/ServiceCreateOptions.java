package io.orch.cli.spec;

import io.orch.cli.commands.Converters;
import io.orch.cli.parse.PortConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The flags of {@code service create}, with docker's names. Values arrive already converted and
 * checked (see {@link Converters}); a null field means "flag not given", which matters because
 * docker only sends the parts of the spec that were asked for.
 */
public class ServiceCreateOptions {
    @Option(names = "--name", description = "Service name.")
    public String name;

    @Option(names = "--replicas", converter = Converters.NonNegativeLong.class, description = "Number of tasks.")
    public Long replicas;

    @Option(names = "--mode", converter = Converters.ServiceMode.class, description = "replicated, global, replicated-job or global-job (default replicated).")
    public String mode;

    @Option(names = {"-e", "--env"}, description = "Set environment variables.")
    public List<String> env = new ArrayList<>();

    @Option(names = {"-l", "--label"}, description = "Service labels.")
    public List<String> labels = new ArrayList<>();

    @Option(names = "--container-label", description = "Container labels.")
    public List<String> containerLabels = new ArrayList<>();

    @Option(names = "--constraint", description = "Placement constraints.")
    public List<String> constraints = new ArrayList<>();

    @Option(names = "--placement-pref", converter = PlacementPrefConverter.class, description = "Placement preference (spread=node.labels.X).")
    public List<String> placementPrefs = new ArrayList<>();

    @Option(names = {"-p", "--publish"}, converter = Converters.Publish.class, description = "Publish a port: 8080:80[/udp] or published=8080,target=80,mode=host,protocol=tcp.")
    public List<PortConfig> publish = new ArrayList<>();

    @Option(names = "--network", converter = Converters.Network.class,
            description = "Attach to an overlay network: NAME or name=NAME,alias=A,driver-opt=K=V (runc runtime; "
                    + "the process runtime runs tasks on the host network and refuses it).")
    public List<io.orch.cli.parse.NetworkAttachmentSpec> networks = new ArrayList<>();

    @Option(names = "--endpoint-mode", converter = Converters.EndpointMode.class,
            description = "vip (a virtual IP per network, load-balanced; default) or dnsrr (DNS answers with the tasks' addresses).")
    public String endpointMode;

    @Option(names = "--entrypoint", description = "Overwrite the default ENTRYPOINT of the image.")
    public String entrypoint;

    @Option(names = "--runtime", converter = Converters.Runtime.class, description = "orch runtime: process, runc or docker.")
    public String runtime;

    @picocli.CommandLine.Mixin
    public TaskSettingsOptions task = new TaskSettingsOptions();

    @picocli.CommandLine.Mixin
    public ContainerOptions container = new ContainerOptions();

    @picocli.CommandLine.Mixin
    public ContainerListOptions lists = new ContainerListOptions();

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image to run.")
    public String image;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Command and arguments (become the container's Args).")
    public List<String> args = new ArrayList<>();

    /** Only "spread=<descriptor>" exists in swarm. */
    public static final class PlacementPrefConverter implements picocli.CommandLine.ITypeConverter<String> {
        public String convert(String value) {
            int eq = value.indexOf('=');
            if (eq < 0 || !value.substring(0, eq).equals("spread") || eq == value.length() - 1) {
                throw new picocli.CommandLine.TypeConversionException("invalid placement preference: expected spread=<descriptor>");
            }
            return value.substring(eq + 1);
        }
    }
}
