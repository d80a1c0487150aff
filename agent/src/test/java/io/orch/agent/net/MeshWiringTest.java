package io.orch.agent.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.api.proto.IPAMConfig;
import io.orch.api.proto.IPAMOptions;
import io.orch.api.proto.Network;
import io.orch.api.proto.NetworkEndpoint;
import io.orch.api.proto.NetworkMap;
import io.orch.api.proto.NetworkSpec;
import io.orch.api.proto.NodeNetworkAddress;
import io.orch.api.proto.PortConfig;
import io.orch.api.proto.ServiceEndpoint;
import io.orch.runtime.net.Subnet;
import io.orch.runtime.net.overlay.OverlayDataPath;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh as NodeNetworking builds it from a network map, on a real kernel: three "nodes"
 * (network namespaces on one LAN), each running a NodeNetworking in a JVM of its own that follows
 * a hand-built map (the managers' side is not involved); two "tasks" on nodes 2 and 3, plugged
 * into the ingress bridge their node made. A client on the LAN reaches both through node 1,
 * which runs none. Needs root, ip, bridge, nft, nsenter and VXLAN; skips with the reason otherwise.
 */
class MeshWiringTest {
    static final Network INGRESS = Network.newBuilder().setId("ingress-id").setVni(4300)
            .setSpec(NetworkSpec.newBuilder().setName("ingress").setDriver("overlay").setIngress(true))
            .setIpam(IPAMOptions.newBuilder().addConfigs(IPAMConfig.newBuilder().setSubnet("10.81.0.0/24").setGateway("10.81.0.1")))
            .build();
    static final String[] LAN = {"192.168.252.1", "192.168.252.2", "192.168.252.3"};
    static final String[] TASKS = {null, "10.81.0.10", "10.81.0.11"};

    final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    final List<String> namespaces = new ArrayList<>();
    final List<Process> processes = new ArrayList<>();
    final List<Process> nodeProbes = new ArrayList<>();
    @TempDir
    Path dir;

    static NetworkMap map() {
        NetworkMap.Builder m = NetworkMap.newBuilder().addNetworks(INGRESS).setDataPathPort(4789);
        for (int i = 0; i < 3; i++) {
            m.addNodeAddresses(NodeNetworkAddress.newBuilder().setNodeId("n" + (i + 1)).setNetworkId(INGRESS.getId())
                    .setAddress("10.81.0." + (i + 2)).setNodeAddr(LAN[i]));
        }
        for (int i = 1; i < 3; i++) {
            m.addEndpoints(NetworkEndpoint.newBuilder().setTaskId("t" + (i + 1)).setServiceId("web").setNetworkId(INGRESS.getId())
                    .setAddress(TASKS[i]).setNodeId("n" + (i + 1)).setNodeAddr(LAN[i]).setServing(true));
        }
        return m.addServices(ServiceEndpoint.newBuilder().setServiceId("web").setName("web")
                .addNetworks(io.orch.api.proto.NetworkAttachmentConfig.newBuilder().setTarget(INGRESS.getId()))
                .addPorts(PortConfig.newBuilder().setProtocol(PortConfig.Protocol.TCP).setPublishedPort(8080).setTargetPort(80)
                        .setPublishMode(PortConfig.PublishMode.INGRESS))).build();
    }

    String ns(String role) throws Exception {
        String name = "mp-" + role + "-" + suffix;
        namespaces.add(name);
        run("ip", "netns", "add", name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    static String run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + ": " + out);
        }
        return out;
    }

    static List<String> java(String netns, String... args) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + netns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), MeshNodeProbe.class.getName()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** Starts a probe that prints "ready" when set up; kept for the test's end. */
    Process start(String netns, String... args) throws Exception {
        Process p = new ProcessBuilder(java(netns, args)).redirectErrorStream(true).start();
        processes.add(p);
        String line;
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        while ((line = out.readLine()) != null && !line.equals("ready")) {
            // the node's log lines
        }
        if (line == null) {
            throw new IllegalStateException("probe " + List.of(args) + " in " + netns + " ended before it was ready");
        }
        return p;
    }

    List<String> connect(String netns, String address, int port, int count) throws Exception {
        Process p = new ProcessBuilder(java(netns, "connect", address, Integer.toString(port), "3000", Integer.toString(count))).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out.lines().toList();
    }

    String client;
    List<String> nodes = new ArrayList<>();

    @BeforeEach
    void cluster() throws Exception {
        boolean root = Files.isWritable(Path.of("/proc/sys/net/ipv4/ip_forward"));
        Assumptions.assumeTrue(root, "not root");
        Assumptions.assumeTrue(OverlayDataPath.unavailableReason().isEmpty(), () -> OverlayDataPath.unavailableReason().get());
        Path mapFile = dir.resolve("map.pb");
        Files.write(mapFile, map().toByteArray());
        String lan = ns("lan");
        run("ip", "-n", lan, "link", "add", "sw", "type", "bridge");
        run("ip", "-n", lan, "link", "set", "sw", "up");
        for (int i = 0; i < 3; i++) {
            String node = ns("n" + (i + 1));
            nodes.add(node);
            onLan(lan, node, "p" + (i + 1), LAN[i]);
            nodeProbes.add(start(node, "node", mapFile.toString(), "n" + (i + 1), LAN[i]));
        }
        String bridge = "obr" + INGRESS.getVni();
        for (int i = 1; i < 3; i++) {
            // what the runtime does for a task on the ingress network: a veth into the node's ingress bridge
            String task = ns("t" + (i + 1));
            int address = Subnet.parseAddress(TASKS[i]);
            run("ip", "-n", nodes.get(i), "link", "add", "mpv" + i, "type", "veth", "peer", "name", "eth1",
                    "address", OverlayDataPath.mac(address), "netns", task);
            run("ip", "-n", nodes.get(i), "link", "set", "mpv" + i, "master", bridge, "up");
            run("ip", "-n", task, "addr", "add", TASKS[i] + "/24", "dev", "eth1");
            run("ip", "-n", task, "link", "set", "eth1", "up");
            start(task, "listen", TASKS[i] + ":80=task" + (i + 1));
        }
        client = ns("client");
        onLan(lan, client, "pc", "192.168.252.100");
    }

    static void onLan(String lan, String ns, String port, String address) throws Exception {
        run("ip", "-n", lan, "link", "add", port, "type", "veth", "peer", "name", "uplink", "netns", ns);
        run("ip", "-n", lan, "link", "set", port, "master", "sw", "up");
        run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "uplink");
        run("ip", "-n", ns, "link", "set", "uplink", "up");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            try (OutputStream in = p.getOutputStream()) {
                // closing stdin ends it
            } catch (IOException e) {
                // gone
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        for (String ns : namespaces) {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyNodeAnswersOnThePublishedPortFromTheMapAStopKeepsItAndLeavingTakesItAway() throws Exception {
        String n1 = nodes.get(0);
        assertTrue(run("ip", "-n", n1, "-4", "addr", "show", "dev", "obr4300").contains("10.81.0.2/24"),
                "node 1 is on the ingress network with no task there");
        Set<String> seen = new TreeSet<>(connect(client, LAN[0], 8080, 24));
        assertEquals(Set.of("task2", "task3"), seen);
        assertEquals(Set.of("task2", "task3"), new TreeSet<>(connect(n1, "127.0.0.1", 8080, 24)));

        // a plain stop of node 2's agent (tasks outlive it): its published port keeps answering
        Process node2 = nodeProbes.get(1);
        node2.getOutputStream().close();
        assertTrue(node2.waitFor(30, TimeUnit.SECONDS), "node 2's networking stopped");
        assertEquals(Set.of("task2", "task3"), new TreeSet<>(connect(client, LAN[1], 8080, 24)));

        Process node1 = nodeProbes.get(0);
        node1.getOutputStream().write("leave\n".getBytes(StandardCharsets.UTF_8));
        node1.getOutputStream().flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(node1.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("left")) {
            // log lines
        }
        assertEquals("left", line);
        assertFalse(new ProcessBuilder("nsenter", "--net=/var/run/netns/" + n1, "nft", "list", "table", "ip", "orch-mesh")
                .start().waitFor() == 0, "the mesh table is gone");
        List<String> after = connect(client, LAN[0], 8080, 1);
        assertTrue(after.get(0).startsWith("ERR"), after.toString());
    }
}
