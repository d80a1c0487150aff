package io.orch.runtime.net.overlay;

import static io.orch.runtime.net.overlay.TestNetns.bridgeIn;
import static io.orch.runtime.net.overlay.TestNetns.ipIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.net.Subnet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data path on a real kernel: two "hosts", each a network namespace of its own joined by a
 * veth pair (192.168.250.1 and .2), each with its own OverlayDataPath running its commands in
 * there, and "containers" (namespaces) attached to the overlay on each. Needs root, ip, bridge,
 * nft, nsenter and VXLAN; skips with the reason otherwise. Nothing is created outside the
 * test's namespaces, and deleting them removes everything.
 */
class OverlayDataPathTest {
    static final OverlaySpec NET = new OverlaySpec("net-a", 4097, Subnet.parse("10.77.0.0/24"));
    /** Another network with the same subnet: only its VNI keeps it apart. */
    static final OverlaySpec OTHER = new OverlaySpec("net-b", 4098, Subnet.parse("10.77.0.0/24"));
    static final String VTEP1 = "192.168.250.1";
    static final String VTEP2 = "192.168.250.2";
    static final Pattern OURS = Pattern.compile("\"ifname\":\"(obr|ovx|ov)[0-9a-f]*\"");

    TestNetns namespaces;
    final NetProbe.Launcher probes = new NetProbe.Launcher();
    String h1;
    String h2;
    Commands cmd1;
    Commands cmd2;
    OverlayDataPath dp1;
    OverlayDataPath dp2;

    @BeforeEach
    void hosts() throws Exception {
        Optional<String> reason = TestNetns.unavailableReason();
        if (reason.isPresent()) {
            System.out.println("SKIPPING overlay data path tests: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        namespaces = new TestNetns();
        h1 = namespaces.add("h1");
        h2 = namespaces.add("h2");
        ipIn(h1, "link", "add", "uplink", "type", "veth", "peer", "name", "uplink", "netns", h2);
        ipIn(h1, "addr", "add", VTEP1 + "/24", "dev", "uplink");
        ipIn(h2, "addr", "add", VTEP2 + "/24", "dev", "uplink");
        ipIn(h1, "link", "set", "uplink", "up");
        ipIn(h2, "link", "set", "uplink", "up");
        cmd1 = Commands.inNetns(TestNetns.file(h1));
        cmd2 = Commands.inNetns(TestNetns.file(h2));
        dp1 = new OverlayDataPath(VTEP1, OverlayDataPath.DEFAULT_PORT, cmd1);
        dp2 = new OverlayDataPath(VTEP2, OverlayDataPath.DEFAULT_PORT, cmd2);
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

    static int ip(String dotted) {
        return io.orch.runtime.net.Subnet.parseAddress(dotted);
    }

    @Test
    void tasksOnTwoHostsReachEachOtherAndNoOtherNetworkReachesThem() throws Exception {
        String c1 = namespaces.add("c1");
        String c2 = namespaces.add("c2");
        String c3 = namespaces.add("c3");
        dp1.ensure(NET);
        dp2.ensure(NET);
        dp1.ensure(OTHER);
        dp2.ensure(OTHER);
        String veth1 = dp1.attach(c1, "eth1", NET, ip("10.77.0.2"));
        dp2.attach(c2, "eth1", NET, ip("10.77.0.3"));
        dp1.attach(c3, "eth1", OTHER, ip("10.77.0.4"));
        assertEquals(OverlayDataPath.hostVethName(c1, "eth1"), veth1);
        assertTrue(veth1.matches("ov[0-9a-f]{11}"), veth1);

        String eth1 = ipIn(c1, "-j", "addr", "show", "dev", "eth1");
        assertTrue(eth1.contains("\"local\":\"10.77.0.2\",\"prefixlen\":24"), eth1);
        assertTrue(eth1.contains("\"address\":\"02:42:0a:4d:00:02\""), eth1);
        assertTrue(eth1.contains("\"mtu\":1450"), eth1);
        String bridge = ipIn(h1, "-j", "addr", "show", "dev", NET.bridge());
        assertFalse(bridge.contains("\"local\""), "the host has no address on the overlay: " + bridge);
        assertTrue(bridge.contains("\"mtu\":1450"), bridge);

        // both sides: the full set, this host's own task included (skipped as local)
        List<OverlayPeer> peers = List.of(new OverlayPeer(ip("10.77.0.2"), VTEP1), new OverlayPeer(ip("10.77.0.3"), VTEP2));
        dp1.programPeers(NET, peers);
        dp2.programPeers(NET, peers);
        // the other network is told 10.77.0.3 is on h2 too: its VNI still reaches no one there
        dp1.programPeers(OTHER, List.of(new OverlayPeer(ip("10.77.0.3"), VTEP2)));

        probes.listen(c2, "10.77.0.3:7000=hello from c2");
        assertEquals(List.of("hello from c2", "hello from c2"), probes.connect(c1, "10.77.0.3", 7000, 3000, 2));
        List<String> isolated = probes.connect(c3, "10.77.0.3", 7000, 1500, 1);
        assertTrue(isolated.get(0).startsWith("ERR"), "net-b reached net-a: " + isolated);

        // unchanged: no process at all
        int before = cmd1.runs();
        dp1.programPeers(NET, List.of(peers.get(1), peers.get(0)));
        assertEquals(before, cmd1.runs());

        // a new agent (no memory) reads back the kernel's entries once, then changes nothing
        OverlayDataPath fresh = new OverlayDataPath(VTEP1, OverlayDataPath.DEFAULT_PORT, cmd1);
        before = cmd1.runs();
        fresh.programPeers(NET, peers);
        assertEquals(before + 2, cmd1.runs(), "one ip neigh show and one bridge fdb show");
        fresh.programPeers(NET, peers);
        assertEquals(before + 2, cmd1.runs());

        assertTrue(ipIn(h1, "-j", "neigh", "show", "dev", NET.vxlan()).contains("10.77.0.3"));
        assertTrue(bridgeIn(h1, "-j", "fdb", "show", "dev", NET.vxlan()).contains("\"mac\":\"02:42:0a:4d:00:03\",\"dst\":\"192.168.250.2\""));
        String neigh = ipIn(h1, "-j", "neigh", "show", "dev", NET.vxlan());
        assertFalse(neigh.contains("10.77.0.2"), "local task not programmed: " + neigh);

        // the peer leaves: its entries go, in one ip and one bridge run
        before = cmd1.runs();
        fresh.programPeers(NET, List.of(peers.get(0)));
        assertEquals(before + 2, cmd1.runs());
        assertFalse(ipIn(h1, "-j", "neigh", "show", "dev", NET.vxlan()).contains("10.77.0.3"));
        // (the bridge may still have the MAC learned on its VXLAN port, without a destination: that ages out)
        String fdb = bridgeIn(h1, "-j", "fdb", "show", "dev", NET.vxlan());
        assertFalse(fdb.contains("\"mac\":\"02:42:0a:4d:00:03\",\"dst\""), fdb);
        assertTrue(probes.connect(c1, "10.77.0.3", 7000, 1500, 1).get(0).startsWith("ERR"));

        // and comes back on another address: reachable again
        fresh.programPeers(NET, peers);
        assertEquals(List.of("hello from c2"), probes.connect(c1, "10.77.0.3", 7000, 3000, 1));
    }

    @Test
    void ensureIsIdempotentAndRecreatesADeviceWithOtherParameters() throws Exception {
        dp1.ensure(NET);
        int before = cmd1.runs();
        dp1.ensure(NET);
        assertEquals(before + 1, cmd1.runs(), "only the look at the links");

        // a VXLAN device left under the name with another VNI and learning on
        OverlaySpec reused = new OverlaySpec("net-c", 4099, Subnet.parse("10.79.0.0/24"), 1400);
        ipIn(h1, "link", "add", reused.vxlan(), "type", "vxlan", "id", "5", "local", VTEP1, "dstport", "4789");
        dp1.ensure(reused);
        String vx = ipIn(h1, "-d", "-j", "link", "show", "dev", reused.vxlan());
        assertTrue(vx.contains("\"id\":4099"), vx);
        assertTrue(vx.contains("\"learning\":false"), vx);
        assertTrue(vx.contains("\"proxy\":true"), vx);
        assertTrue(vx.contains("\"mtu\":1400"), vx);
        assertTrue(vx.contains("\"master\":\"obr4099\""), vx);
        String br = ipIn(h1, "-j", "addr", "show", "dev", reused.bridge());
        assertTrue(br.contains("\"mtu\":1400"), br);
        assertTrue(br.contains("\"UP\""), br);
        assertFalse(br.contains("inet6"), "no link-local address either: " + br);

        // brought down by hand: brought up again
        ipIn(h1, "link", "set", reused.bridge(), "down");
        dp1.ensure(reused);
        assertTrue(ipIn(h1, "-j", "link", "show", "dev", reused.bridge()).contains("\"UP\""));
    }

    @Test
    void attachReplacesALeftoverAndDetachRemovesIt() throws Exception {
        String c1 = namespaces.add("c1");
        dp1.ensure(NET);
        String veth = dp1.attach(c1, "eth1", NET, ip("10.77.0.2"));
        // a retried start, now with another address
        assertEquals(veth, dp1.attach(c1, "eth1", NET, ip("10.77.0.9")));
        String eth1 = ipIn(c1, "-j", "addr", "show", "dev", "eth1");
        assertTrue(eth1.contains("10.77.0.9"), eth1);
        assertFalse(eth1.contains("10.77.0.2"), eth1);
        assertTrue(ipIn(h1, "-j", "link", "show", "dev", veth).contains("\"master\":\"obr4097\""));

        dp1.detach(c1, "eth1");
        dp1.detach(c1, "eth1");
        assertFalse(ipIn(c1, "-j", "link", "show").contains("eth1"));
        assertFalse(ipIn(h1, "-j", "link", "show").contains(veth));
    }

    @Test
    void removeExceptAndSweepLeaveNothingBehind() throws Exception {
        String c1 = namespaces.add("c1");
        String c2 = namespaces.add("c2");
        OverlaySpec third = new OverlaySpec("net-c", 16_777_215, Subnet.parse("10.79.0.0/24"));
        assertEquals("obr16777215", third.bridge());
        for (OverlaySpec n : List.of(NET, OTHER, third)) {
            dp1.ensure(n);
        }
        dp1.attach(c1, "eth1", NET, ip("10.77.0.2"));
        dp1.attach(c2, "eth1", OTHER, ip("10.77.0.3"));
        // a device of ours by name only: left alone
        ipIn(h1, "link", "add", "obr77", "type", "veth", "peer", "name", "x77");

        dp1.removeExcept(Set.of(NET.vni(), OTHER.vni()));
        String links = ipIn(h1, "-j", "link", "show");
        assertFalse(links.contains("obr16777215") || links.contains("ovx16777215"), links);
        assertTrue(links.contains("\"obr4097\"") && links.contains("\"ovx4098\""), links);

        dp1.remove(OTHER);
        dp1.remove(OTHER);
        links = ipIn(h1, "-j", "link", "show");
        assertFalse(links.contains("obr4098") || links.contains("ovx4098"), links);
        // c2's host end is now on no bridge: the sweep takes it; c1's stays with its kept network
        dp1.sweep(Set.of(NET.vni()));
        links = ipIn(h1, "-j", "link", "show");
        assertFalse(links.contains(OverlayDataPath.hostVethName(c2, "eth1")), links);
        assertTrue(links.contains(OverlayDataPath.hostVethName(c1, "eth1")), links);

        dp1.sweep(Set.of());
        links = ipIn(h1, "-j", "link", "show");
        var m = OURS.matcher(links.replace("\"obr77\"", ""));
        assertFalse(m.find(), () -> "left behind: " + m.group());
        assertTrue(links.contains("\"obr77\""), "not ours, kept");
        int before = cmd1.runs();
        dp1.sweep(Set.of());
        assertEquals(before + 1, cmd1.runs(), "nothing left to delete");
    }

    @Test
    void macIsDockers() {
        assertEquals("02:42:0a:4d:00:03", OverlayDataPath.mac(ip("10.77.0.3")));
        assertEquals("02:42:c0:a8:ff:fe", OverlayDataPath.mac(ip("192.168.255.254")));
    }

    @Test
    void theNodesOwnAddressIsOnTheBridgeWithItsMacAndOutlivesAnIdleSweep() throws Exception {
        dp1.ensure(NET);
        dp1.ensure(OTHER);
        dp1.assignNodeAddress(NET, ip("10.77.0.250"));
        String bridge = ipIn(h1, "-j", "addr", "show", "dev", NET.bridge());
        assertTrue(bridge.contains("\"local\":\"10.77.0.250\",\"prefixlen\":24"), bridge);
        assertTrue(bridge.contains("\"address\":\"02:42:0a:4d:00:fa\""), bridge);
        int before = cmd1.runs();
        dp1.assignNodeAddress(NET, ip("10.77.0.250"));
        assertEquals(before + 1, cmd1.runs(), "in place: one look, no change");
        // a new address replaces the old one
        dp1.assignNodeAddress(NET, ip("10.77.0.251"));
        bridge = ipIn(h1, "-j", "addr", "show", "dev", NET.bridge());
        assertFalse(bridge.contains("10.77.0.250"), bridge);
        assertTrue(bridge.contains("10.77.0.251"), bridge);

        // an agent restart: the idle task network goes, the node's ingress bridge stays
        new OverlayDataPath(VTEP1, OverlayDataPath.DEFAULT_PORT, cmd1).sweepIdle();
        String links = ipIn(h1, "-j", "link", "show");
        assertTrue(links.contains("\"ifname\":\"" + NET.bridge() + "\""), links);
        assertTrue(links.contains("\"ifname\":\"" + NET.vxlan() + "\""), links);
        assertFalse(links.contains("\"ifname\":\"" + OTHER.bridge() + "\""), links);

        // the next map has no mesh: kept VNIs stay, the addressed bridge goes
        dp1.ensure(OTHER);
        dp1.removeAddressedExcept(Set.of(OTHER.vni()));
        links = ipIn(h1, "-j", "link", "show");
        assertFalse(links.contains("\"ifname\":\"" + NET.bridge() + "\""), links);
        assertFalse(links.contains("\"ifname\":\"" + NET.vxlan() + "\""), links);
        assertTrue(links.contains("\"ifname\":\"" + OTHER.bridge() + "\""), links);
    }
}
