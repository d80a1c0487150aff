package io.orch.scheduler.network;

import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;

/**
 * Validates what a user asked of a new overlay network's addressing (NetworkSpec.ipam) and
 * decides its subnet, gateway and VNI. Pure: the caller runs it inside the creating transaction
 * with every existing network, and locks against a concurrent create by rewriting the Cluster
 * object in the same transaction. Messages name the field as Docker's API spells it
 * ({@code IPAM.Config[0].Subnet: ...}); the caller adds "invalid network spec: ".
 */
public final class NewNetwork {
    private NewNetwork() {}

    /** What the managers allocate: Network.ipam (one IPv4 config) and the VNI. */
    public record Allocation(IPAMOptions ipam, int vni) {}

    /** Thrown when there is nothing left to allocate (not the user's spec's fault). */
    public static final class ExhaustedException extends RuntimeException {
        public ExhaustedException(String message) {
            super(message);
        }
    }

    /** Only the syntax and inner consistency of the user's IPAM (no store needed). */
    public static void validate(NetworkSpec spec) {
        IPAMOptions ipam = spec.getIpam();
        if (!ipam.getDriver().isEmpty() && !ipam.getDriver().equals("default")) {
            throw new IllegalArgumentException("IPAM.Driver: orch supports only the default IPAM driver, got \"" + ipam.getDriver() + "\"");
        }
        if (ipam.getConfigsCount() > 1) {
            throw new IllegalArgumentException("IPAM.Config: orch supports one IPv4 subnet per network, got " + ipam.getConfigsCount());
        }
        if (ipam.getConfigsCount() == 1) {
            parse(ipam.getConfigs(0));
        }
    }

    /** The user's config, parsed and checked: subnet, gateway (null: the first address), range (null: none). */
    private record Asked(Ipv4Cidr subnet, Ipv4Address gateway, Ipv4Cidr range) {}

    private static Asked parse(IPAMConfig c) {
        String f = "IPAM.Config[0].";
        if (c.getSubnet().isEmpty()) {
            if (!c.getGateway().isEmpty() || !c.getRange().isEmpty()) {
                throw new IllegalArgumentException(f + "Subnet: is required with " + (c.getGateway().isEmpty() ? "IPRange" : "Gateway"));
            }
            return null;
        }
        Ipv4Cidr subnet = field(f + "Subnet", () -> Ipv4Cidr.parse(c.getSubnet()));
        if (subnet.prefix() > 30) {
            throw new IllegalArgumentException(f + "Subnet: " + subnet + " is too small: a network needs at least a /30");
        }
        Ipv4Address gateway = null;
        if (!c.getGateway().isEmpty()) {
            gateway = field(f + "Gateway", () -> Ipv4Address.parse(c.getGateway()));
            if (!subnet.contains(gateway)) {
                throw new IllegalArgumentException(f + "Gateway: " + gateway + " is outside the subnet " + subnet);
            }
            if (gateway.equals(subnet.base()) || gateway.equals(subnet.last())) {
                throw new IllegalArgumentException(f + "Gateway: " + gateway + " is the network or broadcast address of " + subnet);
            }
        }
        Ipv4Cidr range = null;
        if (!c.getRange().isEmpty()) {
            range = field(f + "IPRange", () -> Ipv4Cidr.parse(c.getRange()));
            if (!range.within(subnet)) {
                throw new IllegalArgumentException(f + "IPRange: " + range + " is outside the subnet " + subnet);
            }
        }
        return new Asked(subnet, gateway, range);
    }

    private static <T> T field(String name, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    /**
     * The subnet (the user's, or the first free one of the pools), gateway and VNI for a new
     * network next to {@code existing}.
     *
     * @throws IllegalArgumentException the user's subnet overlaps an existing network's (or is invalid)
     * @throws ExhaustedException       the pools or the VNI space are used up
     */
    public static Allocation allocate(NetworkSpec spec, Collection<Network> existing, List<Ipv4Cidr> pools, int subnetSize) {
        validate(spec);
        Asked asked = spec.getIpam().getConfigsCount() == 1 ? parse(spec.getIpam().getConfigs(0)) : null;
        List<Ipv4Cidr> taken = new ArrayList<>();
        List<Integer> vnis = new ArrayList<>();
        for (Network n : existing) {
            NetworkAllocations.subnet(n).ifPresent(taken::add);
            vnis.add(n.getVni());
        }
        Ipv4Cidr subnet;
        if (asked != null) {
            subnet = asked.subnet();
            for (Network n : existing) {
                Ipv4Cidr theirs = NetworkAllocations.subnet(n).orElse(null);
                if (theirs != null && theirs.overlaps(subnet)) {
                    throw new IllegalArgumentException("IPAM.Config[0].Subnet: " + subnet + " overlaps network \""
                            + n.getSpec().getName() + "\" (" + theirs + ")");
                }
            }
        } else {
            subnet = SubnetChoice.firstFree(pools, subnetSize, taken).orElseThrow(() -> new ExhaustedException(
                    "no free /" + subnetSize + " subnet left in the default address pools " + pools
                            + "; give the network a --subnet"));
        }
        OptionalInt vni = VniChoice.lowestFree(vnis);
        if (vni.isEmpty()) {
            throw new ExhaustedException("every VXLAN identifier is in use");
        }
        Ipv4Address gateway = asked != null && asked.gateway() != null ? asked.gateway() : subnet.addressAt(1);
        IPAMConfig.Builder config = IPAMConfig.newBuilder().setSubnet(subnet.toString()).setGateway(gateway.toString());
        if (asked != null && asked.range() != null) {
            config.setRange(asked.range().toString());
        }
        return new Allocation(IPAMOptions.newBuilder().setDriver("default").addConfigs(config).build(), vni.getAsInt());
    }
}
