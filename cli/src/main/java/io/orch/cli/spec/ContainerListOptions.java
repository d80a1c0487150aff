package io.orch.cli.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.commands.Converters;
import io.orch.cli.parse.FileReferences.FileReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The list flags of {@code service create} that fill ContainerSpec and Resources fields (the
 * update command has their {@code -add}/{@code -rm} forms in {@link ContainerListUpdateOptions}).
 */
public class ContainerListOptions {
    @Option(names = "--env-file", description = "Read in a file of environment variables.")
    public List<String> envFiles = new ArrayList<>();

    @Option(names = "--group", description = "Set one or more supplementary user groups for the container.")
    public List<String> groups = new ArrayList<>();

    @Option(names = "--dns", description = "Set custom DNS servers.")
    public List<String> dns = new ArrayList<>();

    @Option(names = "--dns-option", description = "Set DNS options.")
    public List<String> dnsOptions = new ArrayList<>();

    @Option(names = "--dns-search", description = "Set custom DNS search domains.")
    public List<String> dnsSearch = new ArrayList<>();

    @Option(names = "--host", converter = Converters.ExtraHost.class, description = "Set one or more custom host-to-IP mappings (host:ip).")
    public List<String> hosts = new ArrayList<>();

    @Option(names = "--sysctl", converter = Converters.KeyValue.class, description = "Sysctl options.")
    public List<String> sysctls = new ArrayList<>();

    @Option(names = "--ulimit", converter = Converters.Ulimit.class, description = "Ulimit options (name=soft[:hard]).")
    public List<ObjectNode> ulimits = new ArrayList<>();

    @Option(names = "--mount", converter = Converters.Mount.class, description = "Attach a filesystem mount to the service.")
    public List<ObjectNode> mounts = new ArrayList<>();

    @Option(names = "--secret", converter = Converters.FileReference.class, description = "Specify secrets to expose to the service.")
    public List<FileReference> secrets = new ArrayList<>();

    @Option(names = "--config", converter = Converters.FileReference.class, description = "Specify configurations to expose to the service.")
    public List<FileReference> configs = new ArrayList<>();

    @Option(names = "--generic-resource", converter = Converters.GenericResource.class, description = "User defined resources (kind=count or kind=name).")
    public List<ObjectNode> genericResources = new ArrayList<>();

    /** Secret/config name → ID, filled by the command before building (the spec names them by ID). */
    public Map<String, String> secretIds = new HashMap<>();
    public Map<String, String> configIds = new HashMap<>();

    /** Lines read from --env-file, filled by the command (the builder does no I/O). */
    public List<String> envFromFiles = new ArrayList<>();
}
