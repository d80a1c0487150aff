package io.orch.packaging.cluster;

import java.util.List;

/**
 * Where an agent runs: in this network namespace on loopback, or in a named network namespace
 * (reached by {@code ip netns exec NAME}) with its own address on the test bridge.
 *
 * @param netns the namespace, or null for this one
 * @param ip    the address the agent listens and gossips on
 */
record NodeHost(String netns, String ip, boolean netOnly) {
    static final NodeHost LOOPBACK = new NodeHost(null, "127.0.0.1");

    NodeHost(String netns, String ip) {
        this(netns, ip, false);
    }

    static NodeHost netns(String name, String ip) {
        return new NodeHost(name, ip);
    }

    /**
     * A namespace host for agents that run runc containers: entered with {@code nsenter --net}
     * only, because {@code ip netns exec} also remounts /sys, which hides the cgroup file system.
     */
    static NodeHost netnsForContainers(String name, String ip) {
        return new NodeHost(name, ip, true);
    }

    /** What goes before a command to run it on this host. */
    List<String> commandPrefix() {
        if (netns == null) {
            return List.of();
        }
        return netOnly ? List.of("nsenter", "--net=/var/run/netns/" + netns) : List.of("ip", "netns", "exec", netns);
    }

    NodeApi api(int apiPort) {
        return netns == null ? new LoopbackApi(apiPort) : new NetnsApi(netns, apiPort);
    }
}
