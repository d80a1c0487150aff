package io.orch.cli.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.cli.commands.Converters;
import io.orch.cli.parse.FileReferences.FileReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code -add}/{@code -rm} flags of {@code service update} for the list fields, with docker's names. */
public class ContainerListUpdateOptions {
    @Option(names = "--label-add", description = "Add or update a service label.")
    public List<String> labelAdd = new ArrayList<>();

    @Option(names = "--label-rm", description = "Remove a label by its key.")
    public List<String> labelRm = new ArrayList<>();

    @Option(names = "--container-label-add", description = "Add or update a container label.")
    public List<String> containerLabelAdd = new ArrayList<>();

    @Option(names = "--container-label-rm", description = "Remove a container label by its key.")
    public List<String> containerLabelRm = new ArrayList<>();

    @Option(names = "--group-add", description = "Add an additional supplementary user group to the container.")
    public List<String> groupAdd = new ArrayList<>();

    @Option(names = "--group-rm", description = "Remove a previously added supplementary user group from the container.")
    public List<String> groupRm = new ArrayList<>();

    @Option(names = "--dns-add", description = "Add or update a custom DNS server.")
    public List<String> dnsAdd = new ArrayList<>();

    @Option(names = "--dns-rm", description = "Remove a custom DNS server.")
    public List<String> dnsRm = new ArrayList<>();

    @Option(names = "--dns-option-add", description = "Add or update a DNS option.")
    public List<String> dnsOptionAdd = new ArrayList<>();

    @Option(names = "--dns-option-rm", description = "Remove a DNS option.")
    public List<String> dnsOptionRm = new ArrayList<>();

    @Option(names = "--dns-search-add", description = "Add or update a custom DNS search domain.")
    public List<String> dnsSearchAdd = new ArrayList<>();

    @Option(names = "--dns-search-rm", description = "Remove a DNS search domain.")
    public List<String> dnsSearchRm = new ArrayList<>();

    @Option(names = "--host-add", converter = Converters.ExtraHost.class, description = "Add a custom host-to-IP mapping (host:ip).")
    public List<String> hostAdd = new ArrayList<>();

    @Option(names = "--host-rm", description = "Remove a custom host-to-IP mapping (host or host:ip).")
    public List<String> hostRm = new ArrayList<>();

    @Option(names = "--sysctl-add", converter = Converters.KeyValue.class, description = "Add or update a Sysctl option.")
    public List<String> sysctlAdd = new ArrayList<>();

    @Option(names = "--sysctl-rm", description = "Remove a Sysctl option.")
    public List<String> sysctlRm = new ArrayList<>();

    @Option(names = "--ulimit-add", converter = Converters.Ulimit.class, description = "Add or update a ulimit option.")
    public List<ObjectNode> ulimitAdd = new ArrayList<>();

    @Option(names = "--ulimit-rm", description = "Remove a ulimit option.")
    public List<String> ulimitRm = new ArrayList<>();

    @Option(names = "--mount-add", converter = Converters.Mount.class, description = "Add or update a mount on a service.")
    public List<ObjectNode> mountAdd = new ArrayList<>();

    @Option(names = "--mount-rm", description = "Remove a mount by its target path.")
    public List<String> mountRm = new ArrayList<>();

    @Option(names = "--secret-add", converter = Converters.FileReference.class, description = "Add or update a secret on a service.")
    public List<FileReference> secretAdd = new ArrayList<>();

    @Option(names = "--secret-rm", description = "Remove a secret.")
    public List<String> secretRm = new ArrayList<>();

    @Option(names = "--config-add", converter = Converters.FileReference.class, description = "Add or update a config file on a service.")
    public List<FileReference> configAdd = new ArrayList<>();

    @Option(names = "--config-rm", description = "Remove a configuration file.")
    public List<String> configRm = new ArrayList<>();

    @Option(names = "--generic-resource-add", converter = Converters.GenericResource.class, description = "Add a Generic resource.")
    public List<ObjectNode> genericResourceAdd = new ArrayList<>();

    @Option(names = "--generic-resource-rm", description = "Remove a Generic resource by its kind.")
    public List<String> genericResourceRm = new ArrayList<>();

    /** Secret/config name → ID, filled by the command before the update. */
    public Map<String, String> secretIds = new HashMap<>();
    public Map<String, String> configIds = new HashMap<>();
}
