package io.orch.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process and security settings of a container beyond its command, from the service's
 * ContainerSpec (Docker's names): capabilities added and dropped, namespaced sysctls, rlimits,
 * DNS settings, extra /etc/hosts lines, supplementary groups, an init process as PID 1, no new
 * privileges and an SELinux label. Image-based runtimes (runc) apply them; each is checked there
 * against what the node can do, and a task asking for what cannot be done fails to start.
 */
public record ContainerOptions(List<String> capabilityAdd, List<String> capabilityDrop, Map<String, String> sysctls,
                               List<Ulimit> ulimits, Optional<Dns> dns, List<String> hosts, List<String> groups,
                               boolean init, boolean noNewPrivileges, Optional<String> selinuxLabel,
                               int oomScoreAdj) {
    public static final ContainerOptions NONE = new ContainerOptions(List.of(), List.of(), Map.of(), List.of(),
            Optional.empty(), List.of(), List.of(), false, false, Optional.empty());

    /** Without an OOM score adjustment (the kernel's default, 0). */
    public ContainerOptions(List<String> capabilityAdd, List<String> capabilityDrop, Map<String, String> sysctls,
                            List<Ulimit> ulimits, Optional<Dns> dns, List<String> hosts, List<String> groups,
                            boolean init, boolean noNewPrivileges, Optional<String> selinuxLabel) {
        this(capabilityAdd, capabilityDrop, sysctls, ulimits, dns, hosts, groups, init, noNewPrivileges, selinuxLabel, 0);
    }

    public ContainerOptions {
        capabilityAdd = List.copyOf(capabilityAdd);
        capabilityDrop = List.copyOf(capabilityDrop);
        sysctls = Map.copyOf(sysctls);
        ulimits = List.copyOf(ulimits);
        dns = dns == null ? Optional.empty() : dns;
        hosts = List.copyOf(hosts);
        groups = List.copyOf(groups);
        selinuxLabel = selinuxLabel == null ? Optional.empty() : selinuxLabel;
        if (oomScoreAdj < -1000 || oomScoreAdj > 1000) {
            throw new IllegalArgumentException("OomScoreAdj must be within -1000..1000, got " + oomScoreAdj);
        }
    }

    /** {@code --ulimit nofile=1024:2048}: Docker's name (nofile), soft and hard limits. */
    public record Ulimit(String name, long soft, long hard) {}

    /** The container's resolver settings; an empty list keeps what the node would give. */
    public record Dns(List<String> nameservers, List<String> search, List<String> options) {
        public Dns {
            nameservers = List.copyOf(nameservers);
            search = List.copyOf(search);
            options = List.copyOf(options);
        }
    }
}
