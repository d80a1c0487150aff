package io.orch.cli.spec;

import io.orch.cli.commands.Converters;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Flags that {@code service create} and {@code service update} share with the same name and
 * meaning (docker's addServiceFlags): each sets one field when given; null means "not given".
 * Booleans take an optional value ({@code --tty=false}) so an update can turn them off.
 */
public class ContainerOptions {
    @Option(names = "--cap-add", converter = Converters.Capability.class, description = "Add Linux capabilities.")
    public List<String> capAdd = new ArrayList<>();

    @Option(names = "--cap-drop", converter = Converters.Capability.class, description = "Drop Linux capabilities.")
    public List<String> capDrop = new ArrayList<>();

    @Option(names = "--credential-spec", converter = Converters.CredentialSpec.class,
            description = "Credential spec for managed service account (Windows only): file://, registry:// or config://.")
    public String credentialSpec;

    @Option(names = "--init", arity = "0..1", fallbackValue = "true",
            description = "Use an init inside each service container to forward signals and reap processes.")
    public Boolean init;

    @Option(names = "--isolation", converter = Converters.Isolation.class, description = "Service container isolation mode.")
    public String isolation;

    @Option(names = "--log-driver", description = "Logging driver for service.")
    public String logDriver;

    @Option(names = "--log-opt", converter = Converters.KeyValue.class, description = "Logging driver options (needs --log-driver).")
    public List<String> logOpts = new ArrayList<>();

    @Option(names = "--oom-score-adj", converter = Converters.OomScoreAdj.class, description = "Tune host's OOM preferences (-1000 to 1000).")
    public Long oomScoreAdj;

    @Option(names = "--read-only", arity = "0..1", fallbackValue = "true", description = "Mount the container's root filesystem as read only.")
    public Boolean readOnly;

    @Option(names = {"-t", "--tty"}, arity = "0..1", fallbackValue = "true", description = "Allocate a pseudo-TTY.")
    public Boolean tty;

    @Option(names = "--max-concurrent", converter = Converters.NonNegativeLong.class,
            description = "Number of job tasks to run concurrently (default equal to --replicas).")
    public Long maxConcurrent;

    // orch never queries a registry to pin a digest or platforms, so this is always in effect
    @Option(names = "--no-resolve-image", description = "Do not query the registry to resolve image digest and supported platforms (orch never does).")
    public boolean noResolveImage;

    @Option(names = "--with-registry-auth", description = "Send registry authentication details (from the docker config file) to swarm agents.")
    public boolean withRegistryAuth;
}
