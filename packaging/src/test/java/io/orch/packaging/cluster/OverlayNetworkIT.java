package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.packaging.cluster.ClusterFixture.Role;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.runc.RuncRequirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue #12: service networking across nodes with real runc containers. Three managers, each in
 * its own network-namespace host with its own address, run busybox containers on overlay
 * networks (VXLAN between the hosts). From a client container on another host than the web
 * service's tasks: the service name resolves to its VIP through the embedded DNS at 127.0.0.11,
 * {@code tasks.web} to both tasks, connections through the VIP reach both backends; a service
 * on another network neither resolves nor connects; a killed backend leaves the VIP's set; a
 * service scaled to 0 and back works again.
 *
 * <p>Needs root, runc, busybox-static, nftables and ip netns (skipped with the reason otherwise).
 * Names are resolved the way the container resolves them (its resolv.conf, inside its network
 * namespace) by the host's curl: busybox-static's wget cannot resolve names at all (static glibc).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OverlayNetworkIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60); // a deadline, not a goal
    private static final Pattern ADDRESS = Pattern.compile("Address(?: \\d+)?:\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)");
    private NetnsLab lab;
    private ClusterFixture cluster;
    private AgentNode n1;

    @BeforeAll
    void startCluster() throws Exception {
        Optional<String> unavailable = NetnsLab.unavailableReason().or(RuncRequirements::unavailableReason)
                .or(OverlayNetworkIT::toolsMissing);
        unavailable.ifPresent(reason -> System.out.println("OverlayNetworkIT skipped: " + reason));
        assumeTrue(unavailable.isEmpty(), unavailable.orElse(""));
        lab = new NetnsLab(3);
        Path image = TestImages.busybox().writeDockerArchive(Files.createTempFile("orch-overlay-busybox", ".tar"), "busybox:latest");
        cluster = new ClusterFixture("overlay", new PortBlocks(22700, 22800, false)).runtime("runc").beforeStart(n -> {
            try {
                new ImageStore(n.dataDir.resolve("images")).load(image);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (io.orch.runtime.image.ImageException e) {
                throw new IllegalStateException("the test image does not load", e);
            }
        });
        n1 = cluster.init("n1", lab.containerHost(1));
        cluster.join("n2", Role.MANAGER, lab.containerHost(2));
        cluster.join("n3", Role.MANAGER, lab.containerHost(3));
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        Files.deleteIfExists(image);
    }

    private static Optional<String> toolsMissing() {
        for (String tool : List.of("nft", "curl", "nsenter", "unshare")) {
            if (run(List.of("sh", "-c", "command -v " + tool)).exit() != 0) {
                return Optional.of(tool + " is not installed");
            }
        }
        return Optional.empty();
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (cluster != null) {
                for (String s : n1.api.serviceNames()) {
                    n1.api.call("DELETE", "/services/" + s, null);
                }
                await("every task is gone").atMost(DEADLINE).until(() -> n1.api.get("/tasks").isEmpty());
                cluster.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    @Order(1)
    void aClientOnAnotherHostReachesTheServiceByNameAndBothBackendsAnswer() throws Exception {
        createNetwork("front");
        createService("web", 2, "front", "node.hostname!=n3", httpd());
        createService("client", 1, "front", "node.hostname==n3", List.of("sleep", "100000"));
        Task client = awaitRunning("client", 1).get(0);
        List<Task> web = awaitRunning("web", 2);
        assertEquals(Set.of("n1", "n2"), Set.of(nodeName(web.get(0)), nodeName(web.get(1))), "web runs on n1 and n2");

        String vip = vipOf("web", "front");
        await("web resolves to its VIP for the client").atMost(DEADLINE)
                .untilAsserted(() -> assertEquals(List.of(vip), lookup(client, "web")));
        await("tasks.web lists both tasks").atMost(DEADLINE).untilAsserted(() ->
                assertEquals(Set.of(web.get(0).address("front"), web.get(1).address("front")), new HashSet<>(lookup(client, "tasks.web"))));

        Set<String> answered = new HashSet<>();
        await("both backends answer through the VIP, by name").atMost(DEADLINE).until(() -> {
            answered.add(curl(client, "http://web/").strip());
            return answered.size() == 2;
        });
        assertEquals(Set.of(hostnameOf(web.get(0)), hostnameOf(web.get(1))), answered, "each backend answers with its hostname");
    }

    @Test
    @Order(2)
    void aServiceOnAnotherNetworkNeitherResolvesNorConnects() throws Exception {
        createNetwork("back");
        createService("outsider", 1, "back", "node.hostname==n3", List.of("sleep", "100000"));
        Task outsider = awaitRunning("outsider", 1).get(0);
        Task client = awaitRunning("client", 1).get(0);
        await("the outsider's own DNS works").atMost(DEADLINE)
                .untilAsserted(() -> assertEquals(List.of(vipOf("outsider", "back")), lookup(outsider, "outsider")));
        assertEquals(List.of(), lookup(outsider, "web"), "web is not on the outsider's network");
        Exec direct = curlExit(outsider, "http://" + vipOf("web", "front") + "/");
        assertTrue(direct.exit() != 0, "the outsider cannot connect to web's VIP: " + direct);
        Exec toTask = curlExit(outsider, "http://" + awaitRunning("web", 2).get(0).address("front") + "/");
        assertTrue(toTask.exit() != 0, "the outsider cannot connect to a web task: " + toTask);
        assertEquals(List.of(), lookup(client, "outsider"), "the client does not see the outsider either");
    }

    @Test
    @Order(3)
    void aKilledBackendLeavesTheVipAndAServiceScaledToZeroAndBackWorks() throws Exception {
        Task client = awaitRunning("client", 1).get(0);
        List<Task> web = awaitRunning("web", 2);
        Task victim = web.get(0);
        long killedAt = System.nanoTime();
        run(List.of("kill", "-9", Long.toString(victim.pid)));
        // every new connection after the victim left the set goes to a live task: measure when
        // ten in a row succeed (the figure is printed; bench/run network measures it properly)
        await("new connections only reach live tasks").atMost(DEADLINE).until(() -> {
            for (int i = 0; i < 10; i++) {
                if (curlExit(client, "http://web/").exit() != 0) {
                    return false;
                }
            }
            return true;
        });
        System.out.printf("killed backend out of the VIP's set after %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);

        scale("web", 0);
        await("no task of web is left").atMost(DEADLINE).until(() -> running("web").isEmpty());
        await("tasks.web is empty").atMost(DEADLINE).untilAsserted(() -> assertEquals(List.of(), lookup(client, "tasks.web")));
        assertTrue(curlExit(client, "http://web/").exit() != 0, "a VIP with no task refuses connections");
        scale("web", 2);
        awaitRunning("web", 2);
        await("web answers again").atMost(DEADLINE).until(() -> curlExit(client, "http://web/").exit() == 0);
    }

    @Test
    @Order(4)
    void nothingIsLeftOnTheHostsOnceServicesAndNetworksAreRemoved() throws Exception {
        List<String> taskNamespaces = new ArrayList<>();
        for (JsonNode t : n1.api.get("/tasks")) {
            taskNamespaces.add("orch-" + t.path("ID").asText());
        }
        for (String s : n1.api.serviceNames()) {
            assertTrue(n1.api.call("DELETE", "/services/" + s, null).ok(), "rm " + s);
        }
        await("every task is gone").atMost(DEADLINE).until(() -> n1.api.get("/tasks").isEmpty());
        for (String net : List.of("front", "back")) {
            NodeApi.Reply r = n1.api.call("DELETE", "/networks/" + net, null);
            assertTrue(r.ok(), "network rm " + net + ": " + r);
        }
        await("no container namespace is left").atMost(DEADLINE).untilAsserted(() -> {
            String netns = run(List.of("ip", "netns", "list")).out();
            for (String ns : taskNamespaces) {
                assertFalse(netns.contains(ns), ns + " is left: " + netns);
            }
        });
        await("no overlay device is left on any host").atMost(DEADLINE).untilAsserted(() -> {
            for (int i = 1; i <= 3; i++) {
                String links = run(List.of("ip", "-n", NetnsLab.netns(i), "-o", "link", "show")).out();
                assertFalse(links.matches("(?s).*: (obr|ovx)\\d+.*"), "host " + i + " still has overlay devices:\n" + links);
            }
        });
    }

    // ------------------------------------------------------------------ the services

    /** busybox httpd answering with its hostname: by default the first 12 characters of the task id. */
    private static List<String> httpd() {
        return List.of("sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www");
    }

    private static String hostnameOf(Task t) {
        return t.id().substring(0, Math.min(12, t.id().length()));
    }

    private void createNetwork(String name) {
        NodeApi.Reply r = n1.api.call("POST", "/networks/create", "{\"Name\":\"" + name + "\",\"Driver\":\"overlay\"}");
        assertTrue(r.ok(), "network create " + name + ": " + r);
    }

    private void createService(String name, int replicas, String network, String constraint, List<String> command) {
        String cmd = String.join(",", command.stream().map(c -> "\"" + c.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList());
        String body = "{\"Name\":\"" + name + "\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Command\":[" + cmd + "]"
                + "},"
                + "\"Placement\":{\"Constraints\":[\"" + constraint + "\"],\"MaxReplicas\":1},"
                + "\"Networks\":[{\"Target\":\"" + network + "\"}]},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":" + replicas + "}}}";
        NodeApi.Reply r = n1.api.call("POST", "/services/create", body);
        assertTrue(r.ok(), "service create " + name + ": " + r);
    }

    private void scale(String service, int replicas) {
        JsonNode s = n1.api.get("/services/" + service);
        com.fasterxml.jackson.databind.node.ObjectNode spec = (com.fasterxml.jackson.databind.node.ObjectNode) s.path("Spec").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) spec.path("Mode").path("Replicated")).put("Replicas", replicas);
        NodeApi.Reply r = n1.api.call("POST", "/services/" + service + "/update?version=" + s.path("Version").path("Index").asLong(),
                spec.toString());
        assertTrue(r.ok(), "scale " + service + ": " + r);
    }

    private String vipOf(String service, String network) {
        String networkId = n1.api.get("/networks/" + network).path("Id").asText();
        for (JsonNode v : n1.api.get("/services/" + service).path("Endpoint").path("VirtualIPs")) {
            if (v.path("NetworkID").asText().equals(networkId)) {
                String addr = v.path("Addr").asText();
                return addr.substring(0, addr.indexOf('/'));
            }
        }
        throw new AssertionError(service + " has no VIP on " + network);
    }

    /** A running task: where it runs, its container's pid, its addresses. */
    private record Task(String id, String nodeId, long pid, JsonNode json) {
        String address(String networkName) {
            for (JsonNode a : json.path("NetworksAttachments")) {
                if (a.path("Network").path("Spec").path("Name").asText().equals(networkName)) {
                    String addr = a.path("Addresses").path(0).asText();
                    return addr.substring(0, addr.indexOf('/'));
                }
            }
            throw new AssertionError("task " + id + " has no address on " + networkName + ": " + json);
        }
    }

    private List<Task> running(String service) {
        List<Task> out = new ArrayList<>();
        for (JsonNode t : n1.api.tasksOf(service)) {
            if (t.path("Status").path("State").asText().equals("running") && t.path("DesiredState").asText().equals("running")) {
                out.add(new Task(t.path("ID").asText(), t.path("NodeID").asText(),
                        t.path("Status").path("ContainerStatus").path("PID").asLong(), t));
            }
        }
        return out;
    }

    private List<Task> awaitRunning(String service, int count) {
        List<List<Task>> seen = new ArrayList<>(List.of(List.of()));
        await(count + " running task(s) of " + service).atMost(DEADLINE).until(() -> {
            seen.set(0, running(service));
            return seen.get(0).size() == count;
        });
        return seen.get(0);
    }

    private String nodeName(Task t) {
        return n1.api.get("/nodes/" + t.nodeId()).path("Description").path("Hostname").asText();
    }

    private AgentNode nodeOf(Task t) {
        return cluster.byName(nodeName(t));
    }

    // ------------------------------------------------------------------ inside a container

    /** The addresses busybox's nslookup (its own resolver, the container's resolv.conf) gets for {@code name}. */
    private List<String> lookup(Task t, String name) {
        Exec r = run(List.of("nsenter", "-t", Long.toString(t.pid()), "-n", "-m", "/bin/busybox", "nslookup", name));
        List<String> out = new ArrayList<>();
        String answers = r.out().contains("Name:") ? r.out().substring(r.out().indexOf("Name:")) : "";
        Matcher m = ADDRESS.matcher(answers);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private String curl(Task t, String url) {
        Exec r = curlExit(t, url);
        if (r.exit() != 0) {
            throw new AssertionError("curl " + url + " from " + t.id() + ": " + r);
        }
        return r.out();
    }

    /**
     * The host's curl inside the container's network namespace, resolving with the container's
     * resolv.conf (bind-mounted over /etc/resolv.conf in a private mount namespace).
     */
    private Exec curlExit(Task t, String url) {
        Path resolv = nodeOf(t).dataDir.resolve("tasks").resolve(t.id()).resolve("resolv.conf");
        return run(List.of("nsenter", "--net=/var/run/netns/orch-" + t.id(), "unshare", "--mount", "sh", "-c",
                "mount --bind " + resolv + " /etc/resolv.conf && exec curl -sS -m 3 " + url));
    }

    record Exec(int exit, String out) {}

    static Exec run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Exec(-1, "timed out: " + out);
            }
            return new Exec(p.exitValue(), out);
        } catch (IOException e) {
            return new Exec(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Exec(-1, "interrupted");
        }
    }
}
