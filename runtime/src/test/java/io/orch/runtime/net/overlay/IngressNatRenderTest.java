package io.orch.runtime.net.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.net.Subnet;
import io.orch.runtime.net.overlay.IngressRules.Port;
import io.orch.runtime.net.overlay.IngressRules.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nft text IngressNat renders (pure: no nft, no root). */
class IngressNatRenderTest {
    static int ip(String dotted) {
        return Subnet.parseAddress(dotted);
    }

    @Test
    void smallCaseRendersExactly() {
        String text = IngressNat.render(new IngressRules("obr4096", ip("10.0.0.2"), List.of(
                new Port(Protocol.UDP, 5353, 53, List.of(ip("10.0.0.7"))),
                new Port(Protocol.TCP, 8080, 80, List.of(ip("10.0.0.6"), ip("10.0.0.5"))),
                new Port(Protocol.TCP, 9090, 90, List.of()))));
        assertEquals("""
                table ip orch-mesh {}
                delete table ip orch-mesh
                table ip orch-mesh {
                \tchain prerouting {
                \t\ttype nat hook prerouting priority dstnat; policy accept;
                \t\tfib daddr type local tcp dport 8080 dnat to numgen random mod 2 map { 0 : 10.0.0.5, 1 : 10.0.0.6 } : 80
                \t\tfib daddr type local udp dport 5353 dnat to 10.0.0.7:53
                \t}
                \tchain output {
                \t\ttype nat hook output priority -100; policy accept;
                \t\tfib daddr type local tcp dport 8080 dnat to numgen random mod 2 map { 0 : 10.0.0.5, 1 : 10.0.0.6 } : 80
                \t\tfib daddr type local udp dport 5353 dnat to 10.0.0.7:53
                \t}
                \tchain postrouting {
                \t\ttype nat hook postrouting priority srcnat; policy accept;
                \t\toifname "obr4096" ct status dnat snat to 10.0.0.2
                \t}
                \tchain input {
                \t\ttype filter hook input priority filter; policy accept;
                \t\tct state new tcp dport 9090 reject with tcp reset
                \t}
                }
                """, text);
    }

    @Test
    void orderOfPortsAndBackendsDoesNotChangeTheText() {
        IngressRules a = new IngressRules("obr1", ip("10.0.0.2"), List.of(
                new Port(Protocol.TCP, 80, 80, List.of(ip("10.0.0.200"), ip("10.0.0.9"))),
                new Port(Protocol.TCP, 443, 443, List.of(ip("10.0.0.9")))));
        IngressRules b = new IngressRules("obr1", ip("10.0.0.2"), List.of(
                new Port(Protocol.TCP, 443, 443, List.of(ip("10.0.0.9"))),
                new Port(Protocol.TCP, 80, 80, List.of(ip("10.0.0.9"), ip("10.0.0.200")))));
        assertEquals(IngressNat.render(a), IngressNat.render(b));
        // unsigned order: 10.0.0.9 before 10.0.0.200, and 200.x after 10.x
        assertTrue(IngressNat.render(a).contains("{ 0 : 10.0.0.9, 1 : 10.0.0.200 }"), IngressNat.render(a));
        Port high = new Port(Protocol.TCP, 1, 1, List.of(ip("200.0.0.1"), ip("10.0.0.1")));
        assertEquals(List.of(ip("10.0.0.1"), ip("200.0.0.1")), high.backends());
    }

    @Test
    void duplicateBackendsAndRepeatedPortsAreMerged() {
        IngressRules r = new IngressRules("obr1", ip("10.0.0.2"), List.of(
                new Port(Protocol.TCP, 80, 8000, List.of(ip("10.0.0.5"), ip("10.0.0.5"))),
                new Port(Protocol.TCP, 80, 8000, List.of(ip("10.0.0.6"), ip("10.0.0.5")))));
        assertEquals(1, r.ports().size());
        assertEquals(List.of(ip("10.0.0.5"), ip("10.0.0.6")), r.ports().get(0).backends());
        String text = IngressNat.render(r);
        assertTrue(text.contains("numgen random mod 2 map { 0 : 10.0.0.5, 1 : 10.0.0.6 } : 8000"), text);
    }

    @Test
    void sameNumberOverTcpAndUdpAreTwoPorts() {
        IngressRules r = new IngressRules("obr1", ip("10.0.0.2"), List.of(
                new Port(Protocol.UDP, 53, 53, List.of(ip("10.0.0.5"))),
                new Port(Protocol.TCP, 53, 53, List.of(ip("10.0.0.5")))));
        assertEquals(List.of(Protocol.TCP, Protocol.UDP), r.ports().stream().map(Port::protocol).toList());
    }

    @Test
    void noBackendsAnywhereNeedsNoNatChains() {
        String text = IngressNat.render(new IngressRules("obr1", ip("10.0.0.2"), List.of(
                new Port(Protocol.UDP, 53, 53, List.of()))));
        assertFalse(text.contains("dnat"), text);
        assertFalse(text.contains("snat"), text);
        assertTrue(text.contains("ct state new udp dport 53 reject\n"), text);
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Port(Protocol.TCP, 0, 80, List.of()));
        assertEquals("published port 0 out of range (1 to 65535)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Port(Protocol.TCP, 80, 70000, List.of()));
        assertEquals("target port 70000 out of range (1 to 65535)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new IngressRules("obr 1; flush ruleset", ip("10.0.0.2"), List.of()));
        assertTrue(e.getMessage().startsWith("ingress bridge obr 1; flush ruleset is not"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new IngressRules("obr1", 0, List.of()));
        assertTrue(e.getMessage().contains("node address 0.0.0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new IngressRules("obr1", ip("10.0.0.2"), List.of(
                new Port(Protocol.TCP, 80, 8000, List.of()), new Port(Protocol.TCP, 80, 8001, List.of()))));
        assertEquals("published port tcp/80 is given twice with different target ports (8000 and 8001)", e.getMessage());
    }
}
