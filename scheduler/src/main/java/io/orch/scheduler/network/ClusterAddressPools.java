package io.orch.scheduler.network;

import io.orch.api.proto.Cluster;

import java.util.List;

/** The cluster-wide address settings overlay networks are allocated from, with Swarm's defaults. */
public final class ClusterAddressPools {
    /** Swarm's default-addr-pool: a /8 of private space leaves room for 65,536 /24 networks. */
    public static final String DEFAULT_POOL = "10.0.0.0/8";
    /** Swarm's default subnet size: 253 tasks and VIPs per network. */
    public static final int DEFAULT_SUBNET_SIZE = 24;
    /** The IANA VXLAN port, Swarm's default data-path-port. */
    public static final int DEFAULT_DATA_PATH_PORT = 4789;
    /** A subnet smaller than /29 leaves fewer than five addresses after network, broadcast and gateway. */
    public static final int SMALLEST_SUBNET = 29;

    private ClusterAddressPools() {}

    /** The cluster's pools; a cluster created before pools existed gets the default. */
    public static List<Ipv4Cidr> pools(Cluster cluster) {
        List<String> pools = cluster == null || cluster.getDefaultAddressPoolCount() == 0
                ? List.of(DEFAULT_POOL) : cluster.getDefaultAddressPoolList();
        return pools.stream().map(Ipv4Cidr::parse).toList();
    }

    public static int subnetSize(Cluster cluster) {
        return cluster == null || cluster.getSubnetSize() == 0 ? DEFAULT_SUBNET_SIZE : cluster.getSubnetSize();
    }

    public static int dataPathPort(Cluster cluster) {
        return cluster == null || cluster.getDataPathPort() == 0 ? DEFAULT_DATA_PATH_PORT : cluster.getDataPathPort();
    }

    /**
     * Checks `orch init` pool settings; the message names the flag. Each pool must be an IPv4
     * CIDR, the mask length must fit every pool (not shorter than its prefix) and leave room
     * for tasks (at most /{@value #SMALLEST_SUBNET}), and the data path port must be in the
     * range Docker accepts (1024-49151: not privileged, not ephemeral).
     */
    public static void validate(List<String> pools, int subnetSize, int dataPathPort) {
        int longestPrefix = 0;
        for (String p : pools) {
            try {
                longestPrefix = Math.max(longestPrefix, Ipv4Cidr.parse(p).prefix());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--default-addr-pool " + p + ": " + e.getMessage());
            }
        }
        if (subnetSize < longestPrefix || subnetSize > SMALLEST_SUBNET) {
            throw new IllegalArgumentException("--default-addr-pool-mask-length " + subnetSize + ": must be between "
                    + longestPrefix + " (the longest pool prefix) and " + SMALLEST_SUBNET);
        }
        if (dataPathPort < 1024 || dataPathPort > 49151) {
            throw new IllegalArgumentException("--data-path-port " + dataPathPort + ": must be between 1024 and 49151");
        }
    }
}
