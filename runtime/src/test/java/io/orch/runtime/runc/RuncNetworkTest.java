package io.orch.runtime.runc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orch.runtime.ExitResult;
import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import io.orch.runtime.TaskConfig.PublishedPort;
import io.orch.runtime.TaskHandle;
import io.orch.runtime.image.ImageStore;
import io.orch.runtime.image.TestImages;
import io.orch.runtime.net.Bridge;
import io.orch.runtime.net.NetworkConfig;
import io.orch.runtime.net.NetworkState;
import io.orch.runtime.net.Subnet;
import io.orch.runtime.logs.LogFileText;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container networking with real runc: each container in its own namespace on a test bridge,
 * published ports through the port proxy, teardown, and re-attach by a new runtime instance.
 * Needs root, runc, ip and busybox-static; skips with the reason otherwise.
 */
class RuncNetworkTest {
    static final String BRIDGE = "orchtestE2";
    static final NetworkConfig NETWORK = NetworkConfig.of(BRIDGE, Subnet.parse("10.213.32.0/20"), 24);
    static final Path NETNS = Path.of("/var/run/netns");

    @TempDir
    static Path shared;
    static ImageStore images;

    @TempDir
    Path dataDir;
    RuncRuntime runtime;
    final List<String> started = new ArrayList<>();

    @BeforeAll
    static void images() throws Exception {
        Optional<String> reason = RuncRequirements.unavailableReason()
                .or(io.orch.runtime.net.NodeNetwork::unavailableReason);
        if (reason.isPresent()) {
            System.out.println("SKIPPING runc network tests: " + reason.get());
        }
        Assumptions.assumeTrue(reason.isEmpty(), () -> reason.get());
        images = new ImageStore(shared.resolve("images"));
        images.load(TestImages.busybox().writeDockerArchive(shared.resolve("busybox.tar"), "busybox:latest"));
    }

    @AfterAll
    static void removeBridge() throws IOException {
        if (images != null) {
            Bridge.delete(BRIDGE);
        }
    }

    @BeforeEach
    void setUp() {
        runtime = new RuncRuntime(dataDir, images, NETWORK);
    }

    @AfterEach
    void tearDown() {
        started.forEach(runtime::destroy);
        runtime.close();
    }

    private TaskConfig task(String name, TaskConfig.Network network, String... argv) {
        String taskId = name + "-" + System.nanoTime();
        started.add(taskId);
        return new TaskConfig(taskId, name, "busybox", List.of(argv), Map.of(), "", "", name, TaskConfig.Resources.NONE,
                Map.of(), dataDir.resolve("tasks").resolve(taskId), null, network);
    }

    private static TaskConfig.Network bridged(PublishedPort... ports) {
        return new TaskConfig.Network(TaskConfig.Network.Mode.BRIDGE, List.of(ports));
    }

    private static PublishedPort tcp(int published, int target) {
        return new PublishedPort(PublishedPort.Protocol.TCP, target, published);
    }

    private static final String[] HTTPD = {"httpd", "-f", "-p", "80", "-h", "/www"};

    /** One HTTP/1.0 GET; the body, or an exception while nothing answers yet. */
    static String httpGet(InetAddress host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.")) {
                throw new IOException("no HTTP response: '" + response + "'");
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    private static String awaitBody(InetAddress host, int port) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> httpGet(host, port), body -> !body.isEmpty());
    }

    private static Optional<InetAddress> hostAddress() throws IOException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback() && !nif.getName().startsWith("orch") && !nif.getName().startsWith("veth")) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void aPublishedPortAnswersHttpFromTheHostOnLoopbackAndItsOwnAddress() throws Exception {
        TaskConfig c = task("web", bridged(tcp(21451, 80)), HTTPD);
        TaskHandle h = runtime.start(c);
        assertEquals("hello from orch\n", awaitBody(InetAddress.getLoopbackAddress(), 21451));
        Optional<InetAddress> own = hostAddress();
        if (own.isPresent()) {
            assertEquals("hello from orch\n", httpGet(own.get(), 21451));
        }
        String address = NetworkState.address(h).orElseThrow();
        assertTrue(address.startsWith("10.213.") && address.endsWith("/24"), address);
        assertEquals(List.of(tcp(21451, 80)), NetworkState.publishedPorts(h));
        assertEquals(h, runtime.inspect(c.taskId()).orElseThrow(), "inspect shows the same address and ports");
    }

    @Test
    void twoContainersGetDistinctAddressesAndReachEachOtherOverTheBridge() throws Exception {
        TaskConfig server = task("server", bridged(), HTTPD);
        String serverIp = NetworkState.address(runtime.start(server)).orElseThrow().split("/")[0];
        // the host reaches it directly over the bridge too (it holds the gateway address)
        assertEquals("hello from orch\n", awaitBody(InetAddress.getByName(serverIp), 80));

        TaskConfig client = task("client", bridged(), "wget", "-q", "-O", "-", "http://" + serverIp + "/index.html");
        TaskHandle ch = runtime.start(client);
        assertNotEquals(serverIp, NetworkState.address(ch).orElseThrow().split("/")[0]);
        ExitResult r = runtime.waitFor(client.taskId()).get(20, TimeUnit.SECONDS);
        String stderr = read(runtime.logs(client.taskId()).stderr());
        assertEquals(0, r.exitCode(), () -> r + " " + stderr);
        assertEquals("hello from orch\n", read(runtime.logs(client.taskId()).stdout()));
    }

    @Test
    void containersStartedAtOnceEachGetTheirOwnNamespaceAndAddressAndDestroyLeavesNoneBehind() throws Exception {
        List<TaskConfig> configs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            configs.add(task("many" + i, bridged(), "sleep", "1000"));
        }
        List<TaskHandle> handles = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(configs.size());
        try {
            List<Future<TaskHandle>> starts = new ArrayList<>();
            for (TaskConfig c : configs) {
                starts.add(pool.submit(() -> runtime.start(c)));
            }
            for (Future<TaskHandle> f : starts) {
                handles.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> addresses = new HashSet<>();
        for (TaskHandle h : handles) {
            addresses.add(NetworkState.address(h).orElseThrow());
        }
        assertEquals(configs.size(), addresses.size(), "distinct addresses: " + addresses);
        for (TaskConfig c : configs) {
            assertTrue(Files.exists(NETNS.resolve("orch-" + c.taskId())), c.taskId());
            assertTrue(linkExists(vethOf(c.taskId())), c.taskId());
            assertFalse(runtime.waitFor(c.taskId()).isDone(), c.taskId() + " runs");
        }

        for (TaskConfig c : configs) {
            runtime.destroy(c.taskId());
            assertFalse(Files.exists(NETNS.resolve("orch-" + c.taskId())), "namespace of " + c.taskId() + " deleted");
            assertFalse(linkExists(vethOf(c.taskId())), "veth of " + c.taskId() + " deleted");
        }
        String ipam = read(ipamFile());
        for (TaskConfig c : configs) {
            assertFalse(ipam.contains(c.taskId()), "address of " + c.taskId() + " released");
        }
    }

    @Test
    void eachContainerSeesOnlyItsOwnInterfacesWithItsAddressInEtcHosts() throws Exception {
        TaskConfig c = task("ifaces", bridged(), "sh", "-c",
                "ls /sys/class/net | sort | tr '\\n' ' '; grep ifaces /etc/hosts | cut -f1; ip route | grep default");
        TaskHandle h = runtime.start(c);
        assertEquals(0, runtime.waitFor(c.taskId()).get(20, TimeUnit.SECONDS).exitCode());
        String ip = NetworkState.address(h).orElseThrow().split("/")[0];
        String gateway = ip.substring(0, ip.lastIndexOf('.')) + ".1";
        String out = read(runtime.logs(c.taskId()).stdout());
        assertTrue(out.startsWith("eth0 lo " + ip + "\n"), out);
        assertTrue(out.contains("default via " + gateway), out);
    }

    @Test
    void destroyRemovesTheNamespaceTheVethAndFreesTheAddress() throws Exception {
        TaskConfig c = task("gone", bridged(tcp(21455, 80)), HTTPD);
        TaskHandle h = runtime.start(c);
        awaitBody(InetAddress.getLoopbackAddress(), 21455);
        Path netns = NETNS.resolve("orch-" + c.taskId());
        assertTrue(Files.exists(netns), "the container's namespace is named after its task");
        assertTrue(linkExists(vethOf(c.taskId())));
        String ipam = read(ipamFile());
        assertTrue(ipam.contains(c.taskId()), ipam);

        runtime.destroy(c.taskId());
        assertFalse(Files.exists(netns), "namespace deleted");
        assertFalse(linkExists(vethOf(c.taskId())), "veth deleted");
        assertFalse(read(ipamFile()).contains(c.taskId()), "address released");
        try (ServerSocket again = new ServerSocket(21455)) {
            assertTrue(again.isBound(), "the published port is free again");
        }
        assertTrue(NetworkState.address(h).isPresent());
    }

    @Test
    void aTakenHostPortFailsTheTaskWithAClearMessageAndLeavesNothingBehind() throws Exception {
        try (ServerSocket squatter = new ServerSocket(21453)) {
            TaskConfig c = task("clash", bridged(tcp(21453, 80)), HTTPD);
            RuntimeFailure f = assertThrows(RuntimeFailure.class, () -> runtime.start(c));
            assertFalse(f.temporary());
            assertTrue(f.getMessage().contains("21453/tcp") && f.getMessage().contains("already in use"), f.getMessage());
            assertFalse(Files.exists(NETNS.resolve("orch-" + c.taskId())), "no namespace left");
            assertFalse(linkExists(vethOf(c.taskId())), "no veth left");
            assertFalse(read(ipamFile()).contains(c.taskId()), "no address held");
            assertTrue(runtime.inspect(c.taskId()).isEmpty(), "no container");
        }
    }

    @Test
    void afterAnAgentRestartTheReattachedContainerStillAnswersOnItsPublishedPort() throws Exception {
        TaskConfig c = task("survivor", bridged(tcp(21452, 80)), HTTPD);
        TaskHandle h = runtime.start(c);
        awaitBody(InetAddress.getLoopbackAddress(), 21452);
        runtime.close(); // the agent goes away: the container, its shim and its port proxy stay

        assertEquals("hello from orch\n", httpGet(InetAddress.getLoopbackAddress(), 21452), "served with no agent");
        RuncRuntime next = new RuncRuntime(dataDir, images, NETWORK);
        try {
            assertTrue(next.recover(h));
            assertEquals("hello from orch\n", httpGet(InetAddress.getLoopbackAddress(), 21452));
            assertEquals(NetworkState.address(h), NetworkState.address(next.inspect(c.taskId()).orElseThrow()));
            // the restarted agent's allocator still holds the address: a new task gets another one
            TaskConfig other = task("other", bridged(), "sleep", "30");
            assertNotEquals(NetworkState.address(h), NetworkState.address(next.start(other)));
            next.destroy(other.taskId());
            next.destroy(c.taskId());
            assertFalse(Files.exists(NETNS.resolve("orch-" + c.taskId())));
            try (ServerSocket again = new ServerSocket(21452)) {
                assertTrue(again.isBound(), "destroy by the new agent stopped the proxy");
            }
        } finally {
            next.close();
        }
    }

    @Test
    void aPublishedPortKeepsAnsweringAcrossAnAgentKillDash9AndARestartThatReattaches() throws Exception {
        String taskId = "killed-" + System.nanoTime();
        started.add(taskId);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RuncAgentStandIn.class.getName(), dataDir.toString(), shared.resolve("images").toString(), taskId,
                "21457", BRIDGE, NETWORK.pool().toString())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        TaskHandle h;
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("HANDLE ")) {
                seen.append(line).append('\n');
            }
            assertTrue(line != null, "the stand-in agent printed no handle:\n" + seen);
            h = RuncAgentStandIn.parse(line);
            assertEquals("hello from orch\n", awaitBody(InetAddress.getLoopbackAddress(), 21457));
        } finally {
            agent.destroyForcibly(); // kill -9
            agent.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals("hello from orch\n", httpGet(InetAddress.getLoopbackAddress(), 21457), "served while no agent runs");

        runtime.close();
        runtime = new RuncRuntime(dataDir, images, NETWORK); // the restarted agent
        assertTrue(runtime.recover(h));
        assertEquals("hello from orch\n", httpGet(InetAddress.getLoopbackAddress(), 21457));
        assertEquals(NetworkState.address(h), NetworkState.address(runtime.inspect(taskId).orElseThrow()));
    }

    @Test
    void aPortProxyLostWhileTheAgentWasDownIsRestartedOnReattach() throws Exception {
        TaskConfig c = task("lostproxy", bridged(tcp(21456, 80)), HTTPD);
        TaskHandle h = runtime.start(c);
        awaitBody(InetAddress.getLoopbackAddress(), 21456);
        runtime.close();
        ProcessHandle proxy = ProcessHandle.of(Long.parseLong(h.driverState().get(RuncTask.STATE_PROXY_PID))).orElseThrow();
        proxy.destroyForcibly();
        proxy.onExit().get(10, TimeUnit.SECONDS);

        RuncRuntime next = new RuncRuntime(dataDir, images, NETWORK);
        try {
            assertTrue(next.recover(h));
            assertEquals("hello from orch\n", awaitBody(InetAddress.getLoopbackAddress(), 21456));
            next.destroy(c.taskId());
            try (ServerSocket again = new ServerSocket(21456)) {
                assertTrue(again.isBound(), "destroy stopped the new proxy");
            }
        } finally {
            next.close();
        }
    }

    @Test
    void hostNetworkingUsesTheHostsStackAndNoneOnlyLoopback() throws Exception {
        TaskConfig host = task("hostnet", new TaskConfig.Network(TaskConfig.Network.Mode.HOST, List.of()),
                "httpd", "-f", "-p", "21454", "-h", "/www");
        TaskHandle h = runtime.start(host);
        assertTrue(NetworkState.address(h).isEmpty());
        assertEquals("hello from orch\n", awaitBody(InetAddress.getLoopbackAddress(), 21454));

        TaskConfig none = task("nonet", new TaskConfig.Network(TaskConfig.Network.Mode.NONE, List.of()),
                "sh", "-c", "ls /sys/class/net | tr '\\n' ' '");
        runtime.start(none);
        assertEquals(0, runtime.waitFor(none.taskId()).get(20, TimeUnit.SECONDS).exitCode());
        assertEquals("lo ", read(runtime.logs(none.taskId()).stdout()));
    }

    private Path ipamFile() throws IOException {
        try (var files = Files.list(dataDir.resolve("net"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("ipam-")
                    && p.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
        }
    }

    private static String vethOf(String taskId) {
        return io.orch.runtime.net.NodeNetwork.vethName(taskId);
    }

    private static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    private static String read(Path file) throws IOException {
        return LogFileText.read(file); // the task's output, without the log records' times
    }
}
