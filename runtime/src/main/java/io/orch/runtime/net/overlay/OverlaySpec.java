package io.orch.runtime.net.overlay;

import io.orch.runtime.net.Subnet;
import java.util.Objects;

/**
 * One overlay network as a node programs it: the VXLAN network identifier that keeps its
 * traffic apart from every other network's on the underlay, its subnet (the prefix length its
 * tasks' addresses get) and the MTU inside it.
 *
 * @param mtu the containers' and devices' MTU: 50 bytes below a 1500-byte underlay leave room
 *     for the outer IPv4, UDP and VXLAN headers and the inner Ethernet header
 */
public record OverlaySpec(String networkId, int vni, Subnet subnet, int mtu) {
    public static final int DEFAULT_MTU = 1450;
    /** VNIs are 24 bits. */
    public static final int MAX_VNI = 16_777_215;

    public OverlaySpec {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(subnet, "subnet");
        if (vni < 1 || vni > MAX_VNI) {
            throw new IllegalArgumentException("overlay network " + networkId + " has VNI " + vni + " out of range (1 to " + MAX_VNI + ")");
        }
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("overlay network " + networkId + " has MTU " + mtu + " out of range (68 to 65535)");
        }
    }

    public OverlaySpec(String networkId, int vni, Subnet subnet) {
        this(networkId, vni, subnet, DEFAULT_MTU);
    }

    /** "obr4097": the network's bridge. "obr" and up to 8 digits fit in 15 characters. */
    public String bridge() {
        return OverlayDataPath.BRIDGE_PREFIX + vni;
    }

    /** "ovx4097": the network's VXLAN device, a port of {@link #bridge()}. */
    public String vxlan() {
        return OverlayDataPath.VXLAN_PREFIX + vni;
    }
}
