package io.orch.scheduler.network;

import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NewNetworkTest {
    private static NetworkSpec asking(String subnet, String gateway, String range) {
        return NetworkSpec.newBuilder().setName("n").setDriver("overlay").setIpam(IPAMOptions.newBuilder()
                .addConfigs(IPAMConfig.newBuilder().setSubnet(subnet).setGateway(gateway).setRange(range))).build();
    }

    @Test
    void aNetworkWithoutASubnetTakesTheFirstFreeOneOfThePoolsAndTheLowestFreeVni() {
        Network taken = Nets.overlay("a", "10.0.0.0/24", "10.0.0.1", null);
        var allocation = NewNetwork.allocate(NetworkSpec.newBuilder().setName("b").build(), List.of(taken),
                List.of(Ipv4Cidr.parse("10.0.0.0/8")), 24);
        assertEquals("10.0.1.0/24", allocation.ipam().getConfigs(0).getSubnet());
        assertEquals("10.0.1.1", allocation.ipam().getConfigs(0).getGateway());
        assertEquals(4098, allocation.vni());
    }

    @Test
    void anExhaustedPoolIsReportedAsSuchNotAsABadSpec() {
        Network taken = Nets.overlay("a", "10.0.0.0/24", "10.0.0.1", null);
        var e = assertThrows(NewNetwork.ExhaustedException.class, () -> NewNetwork.allocate(NetworkSpec.newBuilder().setName("b").build(),
                List.of(taken), List.of(Ipv4Cidr.parse("10.0.0.0/24")), 24));
        assertEquals("no free /24 subnet left in the default address pools [10.0.0.0/24]; give the network a --subnet", e.getMessage());
    }

    @Test
    void unusableGatewaysAndTinySubnetsAreRefusedNamingTheField() {
        assertEquals("IPAM.Config[0].Gateway: 10.0.1.255 is the network or broadcast address of 10.0.1.0/24",
                assertThrows(IllegalArgumentException.class, () -> NewNetwork.validate(asking("10.0.1.0/24", "10.0.1.255", ""))).getMessage());
        assertEquals("IPAM.Config[0].Subnet: 10.0.1.0/31 is too small: a network needs at least a /30",
                assertThrows(IllegalArgumentException.class, () -> NewNetwork.validate(asking("10.0.1.0/31", "", ""))).getMessage());
        assertEquals("IPAM.Config[0].Gateway: x is not an IPv4 address",
                assertThrows(IllegalArgumentException.class, () -> NewNetwork.validate(asking("10.0.1.0/24", "x", ""))).getMessage());
        assertEquals("IPAM.Driver: orch supports only the default IPAM driver, got \"dhcp\"",
                assertThrows(IllegalArgumentException.class, () -> NewNetwork.validate(NetworkSpec.newBuilder()
                        .setIpam(IPAMOptions.newBuilder().setDriver("dhcp")).build())).getMessage());
    }
}
