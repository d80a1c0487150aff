package io.orch.runtime.net.overlay;

import static io.orch.runtime.net.overlay.TestNetns.ipIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.net.overlay.NamespaceNat.DnsRedirect;
import io.orch.runtime.net.overlay.NamespaceNat.NatRules;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NamespaceNat applied with real nft inside a "container" namespace of the test's own, with
 * TCP listeners (NetProbe JVMs) there as VIP backends and DNS server. Needs root, nft, nsenter;
 * skips with the reason otherwise.
 */
class NamespaceNatTest {
    static final int VIP = ip("10.99.0.10");
    static final int EMPTY_VIP = ip("10.99.0.11");

    TestNetns namespaces;
    final NetProbe.Launcher probes = new NetProbe.Launcher();
    String c;

    @BeforeEach
    void container() throws Exception {
        Optional<String> reason = TestNetns.unavailableReason();
        if (reason.isPresent()) {
            System.out.println("SKIPPING namespace NAT tests: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        namespaces = new TestNetns();
        c = namespaces.add("nat");
        // no dummy module here: a veth pair inside the namespace holds the backends' addresses
        ipIn(c, "link", "add", "d0", "type", "veth", "peer", "name", "d1");
        ipIn(c, "addr", "add", "10.88.0.5/24", "dev", "d0");
        ipIn(c, "addr", "add", "10.88.0.6/24", "dev", "d0");
        ipIn(c, "link", "set", "d0", "up");
        ipIn(c, "link", "set", "d1", "up");
        // as a container's default route does: a VIP must be routable before the output hook sees it
        ipIn(c, "route", "add", "default", "dev", "d0");
        probes.listen(c, "10.88.0.5:8080=a", "10.88.0.6:8080=b", "10.88.0.6:5353=dns");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            probes.stopAll();
        } finally {
            if (namespaces != null) {
                NamespaceNat.clear(c);
                namespaces.close();
            }
        }
    }

    static int ip(String dotted) {
        return io.orch.runtime.net.Subnet.parseAddress(dotted);
    }

    static NatRules vip(int vip, String... backends) {
        TreeMap<Integer, List<Integer>> m = new TreeMap<>();
        m.put(vip, List.of(backends).stream().map(NamespaceNatTest::ip).toList());
        return new NatRules(Optional.empty(), m);
    }

    String table() throws IOException {
        Commands.Result r = Commands.inNetns(TestNetns.file(c)).run("nft", List.of("list", "table", "ip", "orch"), null);
        return r.ok() ? r.output() : "";
    }

    @Test
    void vipIsBalancedAndTheTableReplacedAsAWhole() throws Exception {
        NamespaceNat.apply(c, vip(VIP, "10.88.0.5"));
        assertTrue(table().contains("ip daddr 10.99.0.10 dnat to 10.88.0.5"), table());
        assertEquals(List.of("a", "a", "a"), probes.connect(c, "10.99.0.10", 8080, 3000, 3));

        NamespaceNat.apply(c, vip(VIP, "10.88.0.6", "10.88.0.5"));
        String t = table();
        assertTrue(t.contains("ip daddr 10.99.0.10 dnat to numgen inc mod 2 map { 0 : 10.88.0.5, 1 : 10.88.0.6 }"), t);
        assertEquals(1, t.split("ip daddr 10.99.0.10", -1).length - 1, "only the new rule: " + t);
        List<String> replies = probes.connect(c, "10.99.0.10", 8080, 3000, 4);
        assertEquals(2, replies.stream().filter("a"::equals).count(), replies.toString());
        assertEquals(2, replies.stream().filter("b"::equals).count(), replies.toString());

        // another VIP's rules replace the first's entirely
        NamespaceNat.apply(c, vip(ip("10.99.0.12"), "10.88.0.6"));
        t = table();
        assertFalse(t.contains("10.99.0.10"), t);
        assertTrue(t.contains("ip daddr 10.99.0.12 dnat to 10.88.0.6"), t);
    }

    @Test
    void unchangedRulesAreNotReapplied() throws Exception {
        NamespaceNat.apply(c, vip(VIP, "10.88.0.5"));
        // deleted behind its back: the same rules again run no nft, so it stays deleted
        Commands.inNetns(TestNetns.file(c)).check("nft", List.of("delete", "table", "ip", "orch"), null);
        NamespaceNat.apply(c, vip(VIP, "10.88.0.5"));
        assertEquals("", table());
        // after a clear it is applied again
        NamespaceNat.clear(c);
        NamespaceNat.apply(c, vip(VIP, "10.88.0.5"));
        assertTrue(table().contains("10.99.0.10"), table());
    }

    @Test
    void vipWithoutBackendsRefusesAtOnce() throws Exception {
        NamespaceNat.apply(c, vip(EMPTY_VIP));
        long start = System.nanoTime();
        List<String> replies = probes.connect(c, "10.99.0.11", 8080, 10_000, 1);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(replies.get(0).startsWith("ERR") && replies.get(0).contains("refused"), replies.toString());
        assertTrue(millis < 8_000, "refused, not timed out: " + millis + " ms");
    }

    @Test
    void embeddedDnsAddressIsRedirected() throws Exception {
        NamespaceNat.apply(c, new NatRules(Optional.of(new DnsRedirect(ip("10.88.0.6"), 5353, "d0", ip("10.88.0.5"))), new TreeMap<>()));
        assertEquals(List.of("dns"), probes.connect(c, "127.0.0.11", 53, 3000, 1));
        String t = table();
        assertTrue(t.contains("ip daddr 127.0.0.11 udp dport 53 dnat to 10.88.0.6:5353"), t);
        String sysctl = Commands.inNetns(TestNetns.file(c)).check("sysctl", List.of("-n", "net.ipv4.conf.d0.route_localnet"), null);
        assertEquals("1", sysctl);
    }

    /**
     * The resolver in another namespace: the query leaves through an interface, which takes the
     * source rewrite (from 127.0.0.1) and route_localnet on that interface.
     */
    @Test
    void embeddedDnsReachesAResolverOutsideTheNamespace() throws Exception {
        String resolver = namespaces.add("dns");
        ipIn(c, "link", "add", "up0", "type", "veth", "peer", "name", "up0", "netns", resolver);
        ipIn(c, "addr", "add", "10.89.0.2/24", "dev", "up0");
        ipIn(resolver, "addr", "add", "10.89.0.1/24", "dev", "up0");
        ipIn(c, "link", "set", "up0", "up");
        ipIn(resolver, "link", "set", "up0", "up");
        probes.listen(resolver, "10.89.0.1:5353=resolver");
        NamespaceNat.apply(c, new NatRules(Optional.of(new DnsRedirect(ip("10.89.0.1"), 5353, "up0", ip("10.89.0.2"))), new TreeMap<>()));
        assertEquals(List.of("resolver", "resolver"), probes.connect(c, "127.0.0.11", 53, 3000, 2));
    }

    @Test
    void clearIsIdempotentAndAMissingNamespaceIsAnError() throws Exception {
        NamespaceNat.apply(c, vip(VIP, "10.88.0.5"));
        NamespaceNat.clear(c);
        NamespaceNat.clear(c);
        assertEquals("", table());
        // empty rules: no table at all
        NamespaceNat.apply(c, vip(VIP, "10.88.0.5"));
        NamespaceNat.apply(c, new NatRules(Optional.empty(), new TreeMap<>()));
        assertEquals("", table());
        IOException e = assertThrows(IOException.class, () -> NamespaceNat.apply("orchtest-absent-netns", vip(VIP, "10.88.0.5")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        NamespaceNat.clear("orchtest-absent-netns");
    }
}
