package io.orch.runtime.net.overlay;

import io.orch.runtime.net.Subnet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the routing mesh publishes on one node: the ingress network's bridge there, the node's own
 * address on it (the source the mesh gives the connections it forwards, so replies come back
 * through this node), and each published port with the addresses of the tasks serving it.
 * Normalised on construction: ports sorted by protocol then number, backends sorted as unsigned
 * addresses with duplicates dropped, the same port given twice with the same target merged.
 */
public record IngressRules(String bridge, int nodeAddress, List<Port> ports) {
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    public enum Protocol {
        TCP, UDP;

        String nft() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One published port: connections to any of this node's addresses on {@code published} go to
     * one of {@code backends} on {@code target}. No backends: the port is refused.
     */
    public record Port(Protocol protocol, int published, int target, List<Integer> backends) {
        public Port {
            Objects.requireNonNull(protocol, "protocol");
            checkPort("published port", published);
            checkPort("target port", target);
            backends = backends.stream().distinct().sorted(Integer::compareUnsigned).toList();
        }

        private static void checkPort(String what, int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(what + " " + port + " out of range (1 to 65535)");
            }
        }

        String key() {
            return protocol.nft() + "/" + published;
        }
    }

    public IngressRules {
        if (bridge == null || !IFNAME.matcher(bridge).matches()) {
            throw new IllegalArgumentException("ingress bridge " + bridge + " is not a valid interface name");
        }
        if (nodeAddress == 0) {
            throw new IllegalArgumentException("node address 0.0.0.0 is not an address on the ingress network");
        }
        Map<String, Port> byKey = new LinkedHashMap<>();
        for (Port p : ports) {
            Port was = byKey.get(p.key());
            if (was == null) {
                byKey.put(p.key(), p);
            } else if (was.target() != p.target()) {
                throw new IllegalArgumentException("published port " + p.key() + " is given twice with different target ports ("
                        + was.target() + " and " + p.target() + ")");
            } else {
                List<Integer> both = new ArrayList<>(was.backends());
                both.addAll(p.backends());
                byKey.put(p.key(), new Port(p.protocol(), p.published(), p.target(), both));
            }
        }
        ports = byKey.values().stream()
                .sorted(Comparator.comparing(Port::protocol).thenComparingInt(Port::published))
                .toList();
    }

    @Override
    public String toString() {
        return bridge + " as " + Subnet.format(nodeAddress) + " " + ports.stream().map(Port::key).toList();
    }
}
