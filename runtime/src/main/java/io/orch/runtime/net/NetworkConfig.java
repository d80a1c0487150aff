package io.orch.runtime.net;

import java.nio.file.Path;

/**
 * How this node networks its bridged containers: the bridge's name, the pool node subnets are
 * carved from, each node's share of it, and the machine-wide directory where agents sharing a
 * machine claim their shares.
 *
 * @param bridge     Linux bridge name (at most 15 characters)
 * @param pool       the address range for containers on this machine, e.g. 10.212.0.0/16
 * @param nodePrefix each node's subnet length, e.g. 24 (253 containers)
 * @param claimsDir  where subnet claims live, shared by every agent on the machine
 */
public record NetworkConfig(String bridge, Subnet pool, int nodePrefix, Path claimsDir) {
    public static final String DEFAULT_BRIDGE = "orch0";
    public static final String DEFAULT_POOL = "10.212.0.0/16";
    public static final int DEFAULT_NODE_PREFIX = 24;
    /** Under /run: claims go away on reboot, with the containers that used them. */
    public static final Path DEFAULT_CLAIMS_ROOT = Path.of("/run/orch/net");

    public NetworkConfig {
        Bridge.checkName(bridge);
        if (nodePrefix < pool.prefix() || nodePrefix > 30) {
            throw new IllegalArgumentException("node subnet length /" + nodePrefix + " does not fit in the pool " + pool);
        }
    }

    /** Bridge orch0, pool 10.212.0.0/16, a /24 per node. */
    public static NetworkConfig defaults() {
        return of(DEFAULT_BRIDGE, Subnet.parse(DEFAULT_POOL), DEFAULT_NODE_PREFIX);
    }

    public static NetworkConfig of(String bridge, Subnet pool, int nodePrefix) {
        return new NetworkConfig(bridge, pool, nodePrefix, DEFAULT_CLAIMS_ROOT.resolve(bridge));
    }
}
