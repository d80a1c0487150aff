package io.orch.runtime.net;

import io.orch.runtime.TaskConfig.PublishedPort;
import io.orch.runtime.TaskHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A task's network as its {@link TaskHandle} carries it (driver state keys any runtime that
 * networks containers writes), so the agent can report it: the container's address (Docker's
 * NetworksAttachments[].Addresses) and the host ports it publishes (TaskStatus.PortStatus).
 */
public final class NetworkState {
    /** "10.212.3.2/24"; absent for host networking. */
    public static final String ADDRESS = "network.address";
    /** "tcp:8080:80,udp:5353:53" (protocol:published:target). */
    public static final String PORTS = "network.ports";

    private NetworkState() {}

    public static Optional<String> address(TaskHandle handle) {
        return Optional.ofNullable(handle.driverState().get(ADDRESS)).filter(a -> !a.isEmpty());
    }

    public static List<PublishedPort> publishedPorts(TaskHandle handle) {
        return parsePorts(handle.driverState().getOrDefault(PORTS, ""));
    }

    public static String formatPorts(List<PublishedPort> ports) {
        List<String> parts = new ArrayList<>();
        for (PublishedPort p : ports) {
            parts.add(p.protocol().name().toLowerCase(Locale.ROOT) + ":" + p.published() + ":" + p.target());
        }
        return String.join(",", parts);
    }

    public static List<PublishedPort> parsePorts(String s) {
        List<PublishedPort> out = new ArrayList<>();
        if (s == null || s.isBlank()) {
            return out;
        }
        for (String part : s.split(",")) {
            String[] f = part.split(":");
            if (f.length == 3) {
                out.add(new PublishedPort(PublishedPort.Protocol.valueOf(f[0].toUpperCase(Locale.ROOT)),
                        Integer.parseInt(f[2]), Integer.parseInt(f[1])));
            }
        }
        return out;
    }

    /** Adds the keys for {@code address} and {@code ports} to a handle's driver state. */
    public static void put(Map<String, String> driverState, Optional<String> address, List<PublishedPort> ports) {
        address.ifPresent(a -> driverState.put(ADDRESS, a));
        if (!ports.isEmpty()) {
            driverState.put(PORTS, formatPorts(ports));
        }
    }
}
