package io.orch.scheduler.network;

import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.Network;

import java.util.Collection;
import java.util.Optional;

/** Reads what the managers allocated to a network (Network.ipam) as address arithmetic. */
public final class NetworkAllocations {
    private NetworkAllocations() {}

    /**
     * The network's allocated subnet. Empty for a network the managers did not allocate (one
     * created before allocation existed, or a driver other than overlay): tasks get no
     * attachment on it, which is what Docker does for networks like "host" too.
     */
    public static Optional<Ipv4Cidr> subnet(Network n) {
        if (!isOverlay(n) || n.getIpam().getConfigsCount() == 0 || n.getIpam().getConfigs(0).getSubnet().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Ipv4Cidr.parse(n.getIpam().getConfigs(0).getSubnet()));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a corrupt allocation is not ours to crash a loop on
        }
    }

    public static boolean allocated(Network n) {
        return subnet(n).isPresent();
    }

    private static boolean isOverlay(Network n) {
        String driver = n.getSpec().getDriver();
        return driver.isEmpty() || driver.equals("overlay");
    }

    /**
     * The cluster's ingress network (the routing mesh's; Docker allows one), if it has one that
     * the managers allocated.
     */
    public static Optional<Network> ingress(Collection<Network> networks) {
        return networks.stream().filter(n -> n.getSpec().getIngress() && allocated(n)).findFirst();
    }

    /** An empty pool for the network (only its gateway held), at its stored cursor. */
    public static Optional<AddressPool> pool(Network n) {
        return subnet(n).map(subnet -> {
            IPAMConfig c = n.getIpam().getConfigs(0);
            Ipv4Address gateway = c.getGateway().isEmpty() ? subnet.addressAt(1) : Ipv4Address.parse(c.getGateway());
            Ipv4Cidr range = c.getRange().isEmpty() ? null : Ipv4Cidr.parse(c.getRange());
            return new AddressPool(subnet, gateway, range, n.getAllocationCursor());
        });
    }

    /** The address part of "10.0.1.5/24", or null when it is not one. */
    public static Ipv4Address addressOf(String withPrefix) {
        int slash = withPrefix.indexOf('/');
        try {
            return Ipv4Address.parse(slash < 0 ? withPrefix : withPrefix.substring(0, slash));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
