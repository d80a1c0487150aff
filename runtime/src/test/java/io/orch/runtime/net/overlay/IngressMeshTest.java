package io.orch.runtime.net.overlay;

import static io.orch.runtime.net.overlay.TestNetns.ipIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.net.Subnet;
import io.orch.runtime.net.overlay.IngressRules.Port;
import io.orch.runtime.net.overlay.IngressRules.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The routing mesh on a real kernel: three "nodes" (network namespaces on one LAN, a bridge in a
 * fourth), each on the ingress overlay with an address of its own, two "tasks" (namespaces with
 * TCP and UDP listeners) on nodes 2 and 3, and a client on the LAN. Node 1 runs no task: what
 * reaches a backend through it crossed the overlay and came back through its SNAT. Node 1's
 * iptables FORWARD policy is DROP, as a dockerd on the same host leaves it. Needs root, ip,
 * bridge, nft, nsenter and VXLAN; skips with the reason otherwise.
 */
class IngressMeshTest {
    static final OverlaySpec INGRESS = new OverlaySpec("ingress", 4200, Subnet.parse("10.78.0.0/24"));
    static final String[] LAN = {"192.168.251.1", "192.168.251.2", "192.168.251.3"};
    static final int[] NODE_ADDR = {ip("10.78.0.11"), ip("10.78.0.12"), ip("10.78.0.13")};
    static final int TASK2 = ip("10.78.0.2");
    static final int TASK3 = ip("10.78.0.3");

    TestNetns namespaces;
    final NetProbe.Launcher probes = new NetProbe.Launcher();
    final List<String> nodes = new ArrayList<>();
    final List<IngressNat> nats = new ArrayList<>();
    String client;

    static int ip(String dotted) {
        return Subnet.parseAddress(dotted);
    }

    @BeforeEach
    void cluster() throws Exception {
        Optional<String> reason = TestNetns.unavailableReason();
        if (reason.isPresent()) {
            System.out.println("SKIPPING routing mesh tests: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        namespaces = new TestNetns();
        String lan = namespaces.add("lan");
        ipIn(lan, "link", "add", "sw", "type", "bridge");
        ipIn(lan, "link", "set", "sw", "up");
        List<OverlayPeer> peers = new ArrayList<>(List.of(
                new OverlayPeer(TASK2, LAN[1]), new OverlayPeer(TASK3, LAN[2])));
        for (int i = 0; i < 3; i++) {
            peers.add(new OverlayPeer(NODE_ADDR[i], LAN[i]));
        }
        for (int i = 0; i < 3; i++) {
            String h = namespaces.add("n" + (i + 1));
            nodes.add(h);
            onLan(lan, h, "p" + (i + 1), LAN[i]);
            Commands cmd = Commands.inNetns(TestNetns.file(h));
            OverlayDataPath dp = new OverlayDataPath(LAN[i], OverlayDataPath.DEFAULT_PORT, cmd);
            dp.ensure(INGRESS);
            dp.assignNodeAddress(INGRESS, NODE_ADDR[i]);
            dp.programPeers(INGRESS, peers);
            if (i == 1 || i == 2) {
                String task = namespaces.add("t" + (i + 1));
                int addr = i == 1 ? TASK2 : TASK3;
                dp.attach(task, "eth1", INGRESS, addr);
                probes.listen(task, Subnet.format(addr) + ":80=task" + (i + 1), "udp:" + Subnet.format(addr) + ":53=udp" + (i + 1));
            }
            nats.add(new IngressNat(cmd));
        }
        cmdIn(nodes.get(0), "iptables", "-P", "FORWARD", "DROP");
        client = namespaces.add("client");
        onLan(lan, client, "pc", "192.168.251.100");
    }

    private static void onLan(String lan, String ns, String port, String address) throws Exception {
        ipIn(lan, "link", "add", port, "type", "veth", "peer", "name", "uplink", "netns", ns);
        ipIn(lan, "link", "set", port, "master", "sw", "up");
        ipIn(ns, "addr", "add", address + "/24", "dev", "uplink");
        ipIn(ns, "link", "set", "uplink", "up");
    }

    private static String cmdIn(String ns, String binary, String... args) throws Exception {
        return Commands.inNetns(TestNetns.file(ns)).check(binary, List.of(args), null);
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            probes.stopAll();
        } finally {
            if (namespaces != null) {
                namespaces.close(); // the tables and rules go with the namespaces
            }
        }
    }

    /** Every node publishes the same ports: 8080/tcp and 5300/udp over both tasks, 8081/tcp with none. */
    void publishEverywhere(List<Integer> backends) throws Exception {
        for (int i = 0; i < 3; i++) {
            nats.get(i).apply(Optional.of(new IngressRules(INGRESS.bridge(), NODE_ADDR[i], List.of(
                    new Port(Protocol.TCP, 8080, 80, backends),
                    new Port(Protocol.UDP, 5300, 53, backends),
                    new Port(Protocol.TCP, 8081, 80, List.of())))));
        }
    }

    static Set<String> distinct(List<String> replies) {
        return new TreeSet<>(replies);
    }

    @Test
    void aPublishedPortOnANodeWithNoTaskReachesBothTasks() throws Exception {
        publishEverywhere(List.of(TASK2, TASK3));
        // 24 random picks out of two miss one with probability 2^-23
        assertEquals(Set.of("task2", "task3"), distinct(probes.connect(client, LAN[0], 8080, 3000, 24)));
        assertEquals(Set.of("task2", "task3"), distinct(probes.connect(client, LAN[1], 8080, 3000, 24)));
    }

    @Test
    void theNodeItselfReachesItsPublishedPortAlsoOnLoopback() throws Exception {
        publishEverywhere(List.of(TASK2, TASK3));
        assertEquals(Set.of("task2", "task3"), distinct(probes.connect(nodes.get(0), LAN[0], 8080, 3000, 24)));
        assertEquals(Set.of("task2", "task3"), distinct(probes.connect(nodes.get(0), "127.0.0.1", 8080, 3000, 24)));
    }

    @Test
    void udpIsSpreadToo() throws Exception {
        publishEverywhere(List.of(TASK2, TASK3));
        assertEquals(Set.of("udp2", "udp3"), distinct(probes.askUdp(client, LAN[0], 5300, 3000, 24)));
    }

    @Test
    void aPortWithoutServingTasksIsRefusedNotBlackHoled() throws Exception {
        publishEverywhere(List.of());
        long start = System.nanoTime();
        List<String> tcp = probes.connect(client, LAN[0], 8081, 10_000, 1);
        List<String> fromNode = probes.connect(nodes.get(0), "127.0.0.1", 8080, 10_000, 1);
        List<String> udp = probes.askUdp(client, LAN[0], 5300, 10_000, 1);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tcp.get(0).startsWith("ERR") && tcp.get(0).contains("refused"), tcp.toString());
        assertTrue(fromNode.get(0).startsWith("ERR") && fromNode.get(0).contains("refused"), fromNode.toString());
        assertTrue(udp.get(0).startsWith("ERR") && udp.get(0).contains("PortUnreachable"), udp.toString());
        assertTrue(millis < 15_000, "refused, not timed out: " + millis + " ms");
    }

    @Test
    void removingTheTableStopsTheMeshAndAnUnchangedRulesetRunsNothing() throws Exception {
        publishEverywhere(List.of(TASK3));
        assertEquals(List.of("task3", "task3"), probes.connect(client, LAN[0], 8080, 3000, 2));
        Commands cmd = Commands.inNetns(TestNetns.file(nodes.get(0)));
        IngressNat counted = new IngressNat(cmd);
        IngressRules same = new IngressRules(INGRESS.bridge(), NODE_ADDR[0], List.of(new Port(Protocol.TCP, 8080, 80, List.of(TASK3))));
        counted.apply(Optional.of(same));
        int runs = cmd.runs();
        counted.apply(Optional.of(same));
        assertEquals(runs, cmd.runs(), "unchanged: no process");

        counted.apply(Optional.empty());
        assertTrue(!cmd.run("nft", List.of("list", "table", "ip", IngressNat.TABLE), null).ok(), "table deleted");
        List<String> after = probes.connect(client, LAN[0], 8080, 3000, 1);
        assertTrue(after.get(0).startsWith("ERR"), after.toString());
    }

    @Test
    void aTaskLeavingTheSetHasItsConnectionsForgottenByTheNode() throws Exception {
        Assumptions.assumeTrue(Commands.find("conntrack").isPresent(), "the conntrack command is not installed");
        publishEverywhere(List.of(TASK2, TASK3));
        probes.connect(client, LAN[0], 8080, 3000, 12);
        probes.askUdp(client, LAN[0], 5300, 3000, 12);
        assertTrue(trackedFrom(nodes.get(0), TASK2) > 0, "connections through node 1 went to task 2");

        publishEverywhere(List.of(TASK3)); // task 2 stopped serving
        assertEquals(0, trackedFrom(nodes.get(0), TASK2), "node 1 forgot what it had sent to task 2");
        assertTrue(trackedFrom(nodes.get(0), TASK3) > 0, "and kept what goes to task 3");
    }

    /** How many of {@code node}'s conntrack entries have their replies from {@code backend}. */
    private static long trackedFrom(String node, int backend) throws Exception {
        Commands.Result r = Commands.inNetns(TestNetns.file(node)).run("conntrack",
                List.of("-L", "--reply-src", Subnet.format(backend)), null);
        return r.output().lines().filter(l -> l.contains("src=")).count();
    }
}
