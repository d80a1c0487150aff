package io.orch.runtime.net;

import java.nio.file.Path;

/**
 * One container's place on the node's bridge: its network namespace (named, so it outlives
 * the agent and runc joins it by path), the host end of its veth pair, and its address.
 */
public record Attachment(String netns, String hostVeth, int address, Subnet subnet) {
    /** Where {@code ip netns} keeps named namespaces; runc's config.json points here. */
    static final Path NETNS_DIR = Path.of("/var/run/netns");

    public Path netnsPath() {
        return NETNS_DIR.resolve(netns);
    }

    /** "10.212.3.2" */
    public String ip() {
        return Subnet.format(address);
    }

    /** "10.212.3.2/24", as Docker shows it under NetworksAttachments[].Addresses. */
    public String cidr() {
        return ip() + "/" + subnet.prefix();
    }

    public String gateway() {
        return Subnet.format(subnet.gateway());
    }
}
