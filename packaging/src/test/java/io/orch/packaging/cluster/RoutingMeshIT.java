package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.packaging.cluster.OverlayCluster.Exec;
import io.orch.packaging.cluster.OverlayCluster.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.orch.packaging.cluster.OverlayCluster.DEADLINE;
import static io.orch.packaging.cluster.OverlayCluster.run;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue #13: the routing mesh with real runc containers on three network-namespace hosts. A
 * 2-replica httpd published in ingress mode answers on every node's address, including the node
 * that runs none of its tasks, from another host and from the node itself (its own address and
 * 127.0.0.1), and requests reach both tasks. A second service asking for the port is refused and
 * nothing changes; --publish-add/--publish-rm without --force start and stop a port; a killed task
 * stops getting new connections within 2 s; UDP goes through too; a container reaches an address
 * outside its node (outbound NAT). The test JVM, in the lab's root namespace, plays the client on
 * the LAN and the "internet".
 *
 * <p>Needs root, runc, busybox-static, nftables, curl and ip netns (skipped with the reason otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutingMeshIT {
    private static final int WEB_PORT = 18080;
    private static final int EXTRA_PORT = 18081;
    private static final int UDP_PORT = 18053;
    private OverlayCluster c;

    @RegisterExtension
    final KeepRunOnFailure keepRunOnFailure = new KeepRunOnFailure(() -> c == null ? null : c.cluster);

    @BeforeAll
    void startCluster() throws Exception {
        Optional<String> unavailable = OverlayCluster.unavailableReason();
        unavailable.ifPresent(reason -> System.out.println("RoutingMeshIT skipped: " + reason));
        assumeTrue(unavailable.isEmpty(), unavailable.orElse(""));
        c = new OverlayCluster("mesh", 3, new PortBlocks(23600, 23700, false));
    }

    @AfterAll
    void tearDown() {
        if (c != null) {
            c.close();
        }
    }

    /**
     * busybox httpd on ports 80 and 81 answering with its hostname, 80 published in ingress mode (81
     * is for the port added and removed: the docker CLI's --publish-rm removes by target port).
     */
    private void createWeb(String name, int replicas, String constraint, int published) {
        String body = "{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Command\":"
                + "[\"sh\",\"-c\",\"mkdir -p /www && hostname > /www/index.html && httpd -p 81 -h /www && exec httpd -f -p 80 -h /www\"],"
                // serving only once it answers: a replacement task is not sent connections before its httpd listens
                + "\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"wget -q -O /dev/null http://127.0.0.1/\"],\"Interval\":500000000,"
                + "\"Timeout\":2000000000,\"Retries\":3}},"
                + "\"Placement\":{\"Constraints\":[\"" + constraint + "\"],\"MaxReplicas\":1}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":" + replicas + "}},"
                + "\"EndpointSpec\":{\"Ports\":[{\"Protocol\":\"tcp\",\"TargetPort\":80,\"PublishedPort\":" + published
                + ",\"PublishMode\":\"ingress\"}]}}";
        NodeApi.Reply r = c.n1.api.call("POST", "/services/create", body);
        if (!r.ok()) {
            throw new AssertionError("service create " + name + ": " + r);
        }
    }

    private static String nodeAddress(int host) {
        return NetnsLab.ip(host);
    }

    /** One HTTP GET from the test JVM (on the lab's LAN), a fresh connection each time; null when it fails. */
    private static String get(String host, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            return response.startsWith("HTTP/1.") && response.contains(" 200 ") && body > 0 ? response.substring(body + 4).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** curl from inside host {@code host}'s namespace (as a process on that node would connect). */
    private static Exec curlOnNode(int host, String url) {
        return run(List.of("nsenter", "--net=/var/run/netns/" + NetnsLab.netns(host), "curl", "-sS", "-m", "3", url));
    }

    @Test
    @Order(1)
    void anIngressPortAnswersOnEveryNodeAndReachesBothTasks() {
        Exec networks = c.docker("network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}}");
        assertTrue(networks.out().lines().anyMatch(l -> l.equals("ingress overlay swarm")), networks.out());

        createWeb("web", 2, "node.hostname!=n3", WEB_PORT);
        List<Task> web = c.awaitRunning("web", 2);
        Set<String> hostnames = Set.of(web.get(0).hostname(), web.get(1).hostname());

        for (int host = 1; host <= 3; host++) {
            String address = nodeAddress(host);
            Set<String> seen = new HashSet<>();
            await("both tasks answer through " + address + ":" + WEB_PORT).atMost(DEADLINE).until(() -> {
                String answer = get(address, WEB_PORT, Duration.ofSeconds(2));
                if (answer != null) {
                    assertTrue(hostnames.contains(answer), "an answer from a task of web: " + answer);
                    seen.add(answer);
                }
                return seen.equals(hostnames);
            });
        }
        // from the node itself, the one without a task: its own address and 127.0.0.1
        for (String url : List.of("http://" + nodeAddress(3) + ":" + WEB_PORT + "/", "http://127.0.0.1:" + WEB_PORT + "/")) {
            Exec local = curlOnNode(3, url);
            assertEquals(0, local.exit(), url + ": " + local.out());
            assertTrue(hostnames.contains(local.out().trim()), url + ": " + local.out());
        }
        JsonNode ports = c.n1.api.get("/services/web").path("Endpoint").path("Ports");
        assertEquals(WEB_PORT, ports.path(0).path("PublishedPort").asInt(), ports.toString());
    }

    @Test
    @Order(2)
    void aSecondServiceAskingForThePortIsRefusedAndNothingChanges() {
        Exec create = c.docker("service", "create", "--detach", "--name", "thief", "--publish",
                "published=" + WEB_PORT + ",target=80", "busybox", "sleep", "1000");
        assertTrue(create.exit() != 0, create.out());
        assertTrue(create.out().contains("already in use") && create.out().contains("web"), create.out());
        assertEquals("", c.docker("service", "ls", "-q", "--filter", "name=thief").out().trim());
        assertTrue(get(nodeAddress(3), WEB_PORT, Duration.ofSeconds(2)) != null, "web still answers");
    }

    @Test
    @Order(3)
    void publishAddAndPublishRmChangeWhatAnswersWithoutForce() {
        Set<String> tasksBefore = new HashSet<>(c.awaitRunning("web", 2).stream().map(Task::id).toList());
        Exec add = c.docker("service", "update", "--detach", "--publish-add", "published=" + EXTRA_PORT + ",target=81", "web");
        assertEquals(0, add.exit(), add.out());
        await("the added port answers").atMost(DEADLINE).until(() -> get(nodeAddress(3), EXTRA_PORT, Duration.ofSeconds(2)) != null);

        Exec rm = c.docker("service", "update", "--detach", "--publish-rm", "81", "web");
        assertEquals(0, rm.exit(), rm.out());
        await("the removed port stops answering").atMost(DEADLINE).until(() -> get(nodeAddress(3), EXTRA_PORT, Duration.ofSeconds(2)) == null);
        await("the first port still answers").atMost(DEADLINE).until(() -> get(nodeAddress(3), WEB_PORT, Duration.ofSeconds(2)) != null);
        assertEquals(tasksBefore, new HashSet<>(c.awaitRunning("web", 2).stream().map(Task::id).toList()),
                "a second ingress port added and removed is the mesh's business: no task was replaced");
    }

    @Test
    @Order(4)
    void aKilledTaskGetsNoNewConnectionsAfterTwoSeconds() {
        List<Task> web = c.awaitRunning("web", 2);
        await("both tasks answer again").atMost(DEADLINE).until(() -> {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                String a = get(nodeAddress(3), WEB_PORT, Duration.ofSeconds(2));
                if (a != null) {
                    seen.add(a);
                }
            }
            return seen.size() == 2;
        });
        Task victim = web.get(0);
        run(List.of("kill", "-9", Long.toString(victim.pid())));
        long killedAt = System.nanoTime();
        List<String> late = new ArrayList<>();
        int lateRequests = 0;
        while (System.nanoTime() - killedAt < Duration.ofSeconds(6).toNanos()) {
            long started = System.nanoTime();
            // 3 s: time for one SYN retransmission (1 s), so a lost packet is not taken for a dead backend,
            // which would never answer
            String answer = get(nodeAddress(3), WEB_PORT, Duration.ofSeconds(3));
            if (started - killedAt >= Duration.ofSeconds(2).toNanos()) {
                lateRequests++;
                if (answer == null || answer.equals(victim.hostname())) {
                    late.add(String.format("%.2f s after the kill, for %d ms: %s", (started - killedAt) / 1e9,
                            (System.nanoTime() - started) / 1_000_000, answer == null ? "failed" : "the dead task"));
                }
            }
        }
        assertTrue(lateRequests > 10, "requests were made after 2 s: " + lateRequests);
        assertEquals(List.of(), late, "connections made 2 s or more after the kill that failed or reached the dead task");
    }

    /**
     * The echo server runs in the task's network namespace as a host perl process: busybox here has
     * no UDP server applet (its nc lacks -u), and the mesh sees any listener in the task's namespace
     * as the task. perl-base (Essential on Debian) has IO::Socket::INET.
     */
    @Test
    @Order(5)
    void udpGoesThroughTheMesh() throws Exception {
        String body = "{\"Name\":\"echo\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Command\":"
                + "[\"sleep\",\"100000\"]},\"Placement\":{\"Constraints\":[\"node.hostname==n1\"]}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":1}},"
                + "\"EndpointSpec\":{\"Ports\":[{\"Protocol\":\"udp\",\"TargetPort\":5353,\"PublishedPort\":" + UDP_PORT
                + ",\"PublishMode\":\"ingress\"}]}}";
        NodeApi.Reply r = c.n1.api.call("POST", "/services/create", body);
        assertTrue(r.ok(), r.toString());
        Task echo = c.awaitRunning("echo", 1).get(0);
        Process server = new ProcessBuilder("nsenter", "--net=/var/run/netns/orch-" + echo.id(), "perl", "-MIO::Socket::INET", "-e",
                "my $s = IO::Socket::INET->new(LocalPort => 5353, Proto => 'udp') or die $!; "
                        + "while ($s->recv(my $m, 1024)) { $s->send($m) }")
                .redirectErrorStream(true).start();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(1000);
            byte[] ping = "ping-through-the-mesh\n".getBytes(StandardCharsets.US_ASCII);
            InetAddress node3 = InetAddress.getByName(nodeAddress(3));
            await("a UDP echo through n3, which runs no echo task").atMost(DEADLINE).until(() -> {
                assertTrue(server.isAlive(), "the echo server runs");
                socket.send(new DatagramPacket(ping, ping.length, node3, UDP_PORT));
                byte[] buf = new byte[256];
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    return false;
                }
                return new String(buf, 0, reply.getLength(), StandardCharsets.US_ASCII).equals("ping-through-the-mesh\n");
            });
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    @Order(6)
    void aContainerReachesAnAddressOutsideItsNode() throws Exception {
        // the "internet": a listener of the test JVM on the lab bridge's address, not on any node
        try (ServerSocket outside = new ServerSocket()) {
            outside.bind(new InetSocketAddress("10.214.0.1", 0));
            Thread server = new Thread(() -> {
                while (!outside.isClosed()) {
                    try (Socket s = outside.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        readRequestHead(in);
                        out.write("HTTP/1.0 200 OK\r\nContent-Length: 8\r\n\r\noutside\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "outside-listener");
            server.setDaemon(true);
            server.start();
            Task t = c.awaitRunning("web", 2).get(0);
            Exec fromContainer = run(List.of("nsenter", "--net=/var/run/netns/orch-" + t.id(), "curl", "-sS", "-m", "5",
                    "http://10.214.0.1:" + outside.getLocalPort() + "/"));
            assertEquals(0, fromContainer.exit(), fromContainer.out());
            assertEquals("outside", fromContainer.out().trim());
        }
    }

    @Test
    @Order(7)
    void removingTheServiceStopsItsPortOnEveryNode() {
        c.docker("service", "rm", "web", "echo");
        for (int host = 1; host <= 3; host++) {
            String address = nodeAddress(host);
            await(address + ":" + WEB_PORT + " stops answering").atMost(DEADLINE)
                    .until(() -> get(address, WEB_PORT, Duration.ofSeconds(1)) == null);
        }
    }

    /** Up to the blank line that ends an HTTP request's head, so the answer does not meet unread input. */
    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = in.read(); b >= 0; b = in.read()) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                return;
            }
        }
    }
}
