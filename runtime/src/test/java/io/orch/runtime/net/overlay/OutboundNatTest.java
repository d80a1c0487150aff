package io.orch.runtime.net.overlay;

import static io.orch.runtime.net.overlay.TestNetns.ipIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.net.Subnet;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outbound NAT: the rendered text (pure), and on a real kernel a "container" namespace on a
 * node's bridge reaching a listener in an "internet" namespace that has no route back to the
 * container subnet, so an answer proves the node forwarded and masqueraded. The node's iptables
 * FORWARD policy is DROP, as dockerd leaves it.
 */
class OutboundNatTest {
    static final Subnet SUBNET = Subnet.parse("10.79.3.0/24");
    static final int CONTAINER = Subnet.parseAddress("10.79.3.2");

    TestNetns namespaces;
    final NetProbe.Launcher probes = new NetProbe.Launcher();
    String node;
    String container;

    static OutboundNat.Rules rules(int... noMasquerade) {
        TreeSet<Integer> off = new TreeSet<>();
        for (int a : noMasquerade) {
            off.add(a);
        }
        return new OutboundNat.Rules("br0", SUBNET, off);
    }

    @Test
    void rendersOneMasqueradeRuleLeavingOutTheGivenContainers() {
        assertEquals("orch-out-0a4f0300-24", OutboundNat.table(SUBNET));
        assertEquals("""
                table ip orch-out-0a4f0300-24 {}
                delete table ip orch-out-0a4f0300-24
                table ip orch-out-0a4f0300-24 {
                \tchain postrouting {
                \t\ttype nat hook postrouting priority srcnat; policy accept;
                \t\tip saddr 10.79.3.0/24 oifname != "br0" masquerade
                \t}
                }
                """, OutboundNat.render(rules()));
        String off = OutboundNat.render(rules(Subnet.parseAddress("10.79.3.20"), Subnet.parseAddress("10.79.3.3")));
        assertTrue(off.contains("ip saddr 10.79.3.0/24 oifname != \"br0\" ip saddr != { 10.79.3.3, 10.79.3.20 } masquerade"), off);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rules(Subnet.parseAddress("10.80.0.1")));
        assertEquals("address 10.80.0.1 is not in the node subnet 10.79.3.0/24", e.getMessage());
    }

    @BeforeEach
    void hosts(org.junit.jupiter.api.TestInfo info) throws Exception {
        if (info.getTestMethod().orElseThrow().getName().startsWith("renders")) {
            return;
        }
        Optional<String> reason = TestNetns.unavailableReason();
        if (reason.isPresent()) {
            System.out.println("SKIPPING outbound NAT tests: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        namespaces = new TestNetns();
        node = namespaces.add("node");
        container = namespaces.add("ctr");
        String internet = namespaces.add("inet");
        ipIn(node, "link", "add", "br0", "type", "bridge");
        ipIn(node, "addr", "add", SUBNET.gatewayCidr(), "dev", "br0");
        ipIn(node, "link", "set", "br0", "up");
        ipIn(node, "link", "add", "vc", "type", "veth", "peer", "name", "eth0", "netns", container);
        ipIn(node, "link", "set", "vc", "master", "br0", "up");
        ipIn(container, "addr", "add", Subnet.format(CONTAINER) + "/24", "dev", "eth0");
        ipIn(container, "link", "set", "eth0", "up");
        ipIn(container, "route", "add", "default", "via", Subnet.format(SUBNET.gateway()));
        ipIn(node, "link", "add", "uplink", "type", "veth", "peer", "name", "uplink", "netns", internet);
        ipIn(node, "addr", "add", "198.18.0.1/24", "dev", "uplink");
        ipIn(internet, "addr", "add", "198.18.0.2/24", "dev", "uplink");
        ipIn(node, "link", "set", "uplink", "up");
        ipIn(internet, "link", "set", "uplink", "up");
        Commands.inNetns(TestNetns.file(node)).check("iptables", List.of("-P", "FORWARD", "DROP"), null);
        probes.listen(internet, "198.18.0.2:8443=outside");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            probes.stopAll();
        } finally {
            if (namespaces != null) {
                namespaces.close();
            }
        }
    }

    @Test
    void aContainerReachesOutsideOnlyThroughTheNodesMasquerade() throws Exception {
        List<String> before = probes.connect(container, "198.18.0.2", 8443, 1500, 1);
        assertTrue(before.get(0).startsWith("ERR"), "reached outside with no NAT: " + before);

        OutboundNat nat = new OutboundNat(Commands.inNetns(TestNetns.file(node)));
        nat.apply(rules());
        assertEquals(List.of("outside", "outside"), probes.connect(container, "198.18.0.2", 8443, 3000, 2));

        // masquerading off for this container: it leaves with its own address, which the outside cannot answer
        nat.apply(rules(CONTAINER));
        List<String> off = probes.connect(container, "198.18.0.2", 8443, 1500, 1);
        assertTrue(off.get(0).startsWith("ERR"), "masqueraded although turned off: " + off);

        nat.clear(Optional.of(SUBNET));
        Commands.Result listed = Commands.inNetns(TestNetns.file(node)).run("nft", List.of("list", "table", "ip", OutboundNat.table(SUBNET)), null);
        assertTrue(!listed.ok(), "table deleted: " + listed.output());
    }
}
