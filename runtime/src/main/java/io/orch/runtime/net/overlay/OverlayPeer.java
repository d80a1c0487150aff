package io.orch.runtime.net.overlay;

import io.orch.runtime.net.Subnet;
import java.util.Objects;

/**
 * A task on an overlay network that runs on another node: its overlay address and the underlay
 * IPv4 address (VXLAN tunnel endpoint) of the node that runs it.
 */
public record OverlayPeer(int address, String vtep) {
    public OverlayPeer {
        Objects.requireNonNull(vtep, "vtep");
        io.orch.runtime.net.Subnet.parseAddress(vtep); // fails now, naming it, rather than in the middle of a batch
    }

    @Override
    public String toString() {
        return Subnet.format(address) + "@" + vtep;
    }
}
