package io.orch.runtime.net.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.net.overlay.NamespaceNat.DnsRedirect;
import io.orch.runtime.net.overlay.NamespaceNat.NatRules;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The nft text NamespaceNat renders (pure: no nft, no root). */
class NamespaceNatRenderTest {
    static int ip(String dotted) {
        return io.orch.runtime.net.Subnet.parseAddress(dotted);
    }

    static NatRules vips(Object... vipThenBackends) {
        SortedMap<Integer, List<Integer>> m = new TreeMap<>();
        for (int i = 0; i < vipThenBackends.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> backends = (List<String>) vipThenBackends[i + 1];
            m.put(ip((String) vipThenBackends[i]), backends.stream().map(NamespaceNatRenderTest::ip).toList());
        }
        return new NatRules(Optional.empty(), m);
    }

    @Test
    void dnsRedirectRewritesDestinationAndLoopbackSource() {
        String text = NamespaceNat.render(new NatRules(
                Optional.of(new DnsRedirect(ip("10.0.0.2"), 5353, "eth0", ip("10.212.3.7"))), new TreeMap<>()));
        assertEquals("""
                table ip orch {}
                delete table ip orch
                table ip orch {
                \tchain output {
                \t\ttype nat hook output priority -100; policy accept;
                \t\tip daddr 127.0.0.11 udp dport 53 dnat to 10.0.0.2:5353
                \t\tip daddr 127.0.0.11 tcp dport 53 dnat to 10.0.0.2:5353
                \t}
                \tchain postrouting {
                \t\ttype nat hook postrouting priority 100; policy accept;
                \t\tip saddr 127.0.0.0/8 ip daddr 10.0.0.2 udp dport 5353 snat to 10.212.3.7
                \t\tip saddr 127.0.0.0/8 ip daddr 10.0.0.2 tcp dport 5353 snat to 10.212.3.7
                \t}
                }
                """, text);
    }

    @Test
    void oneBackendIsAPlainDnat() {
        String text = NamespaceNat.render(vips("10.9.9.9", List.of("10.0.0.2")));
        assertTrue(text.contains("\t\tip daddr 10.9.9.9 dnat to 10.0.0.2\n"), text);
        assertFalse(text.contains("numgen"), text);
        assertFalse(text.contains("postrouting"), text);
        assertFalse(text.contains("filter"), text);
    }

    @Test
    void twoAndThreeBackendsAreRoundRobinMaps() {
        String text = NamespaceNat.render(vips(
                "10.9.9.9", List.of("10.0.0.3", "10.0.0.2"),
                "10.9.9.10", List.of("10.0.0.4", "10.0.0.6", "10.0.0.5")));
        assertTrue(text.contains("\t\tip daddr 10.9.9.9 dnat to numgen inc mod 2 map { 0 : 10.0.0.2, 1 : 10.0.0.3 }\n"), text);
        assertTrue(text.contains(
                "\t\tip daddr 10.9.9.10 dnat to numgen inc mod 3 map { 0 : 10.0.0.4, 1 : 10.0.0.5, 2 : 10.0.0.6 }\n"), text);
        assertTrue(text.indexOf("10.9.9.9 ") < text.indexOf("10.9.9.10 "), "VIPs in address order:\n" + text);
    }

    @Test
    void vipWithoutBackendsIsRefused() {
        String text = NamespaceNat.render(vips("10.9.9.9", List.of()));
        assertEquals("""
                table ip orch {}
                delete table ip orch
                table ip orch {
                \tchain filter_output {
                \t\ttype filter hook output priority 0; policy accept;
                \t\tip daddr 10.9.9.9 meta l4proto tcp reject with tcp reset
                \t\tip daddr 10.9.9.9 reject
                \t}
                }
                """, text);
    }

    @Test
    void orderingIsDeterministicAndUnsignedAndDuplicatesCollapse() {
        String a = NamespaceNat.render(vips(
                "192.168.1.1", List.of("10.0.0.9", "10.0.0.2", "10.0.0.2"),
                "10.1.1.1", List.of(),
                "10.2.2.2", List.of("200.0.0.1", "10.0.0.1")));
        String b = NamespaceNat.render(vips(
                "10.2.2.2", List.of("10.0.0.1", "200.0.0.1"),
                "192.168.1.1", List.of("10.0.0.2", "10.0.0.9"),
                "10.1.1.1", List.of()));
        assertEquals(a, b);
        // 192.168.1.1 is a negative int: still after 10.2.2.2
        assertTrue(a.indexOf("ip daddr 10.2.2.2") < a.indexOf("ip daddr 192.168.1.1"), a);
        assertTrue(a.contains("map { 0 : 10.0.0.1, 1 : 200.0.0.1 }"), a);
        assertTrue(a.contains("ip daddr 192.168.1.1 dnat to numgen inc mod 2 map { 0 : 10.0.0.2, 1 : 10.0.0.9 }"), a);
    }

    @Test
    void dnsAndVipsTogether() {
        SortedMap<Integer, List<Integer>> m = new TreeMap<>();
        m.put(ip("10.9.9.9"), List.of(ip("10.0.0.2"), ip("10.0.0.3")));
        String text = NamespaceNat.render(new NatRules(Optional.of(new DnsRedirect(ip("10.0.0.1"), 53, "eth0", ip("10.0.0.5"))), m));
        assertTrue(text.indexOf("127.0.0.11 udp") < text.indexOf("10.9.9.9"), "DNS rules first:\n" + text);
    }

    @Test
    void badInterfaceNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DnsRedirect(1, 53, "eth0; flush ruleset", 2));
        assertThrows(IllegalArgumentException.class, () -> new DnsRedirect(1, 0, "eth0", 2));
    }
}
