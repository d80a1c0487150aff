package io.orch.packaging;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API's defences against abusive clients, end to end on one agent process: thousands of idle
 * connections, slowloris clients, a 100 MB body, a 10,000-deep JSON document, a cross-site request
 * and a 15 MB label. Through all of it a well-behaved client keeps being answered, and its
 * latencies are printed next to the quiet baseline.
 */
class ApiAbuseIT {
    /** The per-address cap is 256 connections: 20 loopback source addresses carry 250 each. */
    private static final int IDLE_CONNECTIONS = 5_000;
    private static final int PER_SOURCE = 250;
    private static final int SLOWLORIS_CONNECTIONS = 100;
    /** Every well-behaved request must be answered within this, however busy the agent is. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path tmp;
    private AgentProcess agent;
    private final List<Socket> held = new ArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void cleanUp() {
        trickle.shutdownNow();
        for (Socket s : held) {
            try {
                s.close();
            } catch (IOException e) {
                // closing a socket the server already reset
            }
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void abusiveClientsLeaveTheApiServingOthers() throws Exception {
        agent = new AgentProcess(tmp.resolve("data")).start();
        LatencyProbe probe = new LatencyProbe(agent.apiPort, "/services");
        probe.measure(50, ANSWER_WITHIN); // warm both ends up
        LatencyProbe.Figures quiet = probe.measure(200, ANSWER_WITHIN);
        // 5,000 idle connections: accepted and held, not counted against anyone else
        for (int i = 0; i < IDLE_CONNECTIONS; i++) {
            held.add(RawHttp.connect("127.0.0." + (2 + i / PER_SOURCE), agent.apiPort));
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertTrue(idleConnectionsHeld(agent.apiPort) >= IDLE_CONNECTIONS,
                        "the agent holds the idle connections: " + idleConnectionsHeld(agent.apiPort)));
        LatencyProbe.Figures withIdle = probe.measure(200, ANSWER_WITHIN);

        // slowloris: request heads that never end, one more header byte every 500 ms
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < SLOWLORIS_CONNECTIONS; i++) {
            Socket s = RawHttp.connect("127.0.0.100", agent.apiPort);
            s.getOutputStream().write(("GET /v1.47/services HTTP/1.1\r\nHost: 127.0.0.1:" + agent.apiPort + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            slow.add(s);
            held.add(s);
        }
        long slowStart = System.nanoTime();
        trickle.scheduleAtFixedRate(() -> slow.forEach(ApiAbuseIT::sendOneHeaderByte), 0, 500, TimeUnit.MILLISECONDS);
        LatencyProbe.Figures withSlowloris = probe.measure(200, ANSWER_WITHIN);
        // the head timeout (10 s) cuts them although they never stop sending
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertEquals(SLOWLORIS_CONNECTIONS, slow.stream().filter(RawHttp::closedByServer).count(),
                        "slowloris connections closed by the agent"));
        long slowCutMillis = (System.nanoTime() - slowStart) / 1_000_000;

        // a 100 MB body: one 413, no reset, and the agent answers others
        long started = System.nanoTime();
        String huge = RawHttp.statusOfHugeBody(agent.apiPort, "/services/create", 100L * 1024 * 1024);
        long hugeMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(huge.startsWith("HTTP/1.1 413"), "100 MB body: " + huge);

        // a 10,000-deep JSON document: one 400
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        HttpResponse<String> deepAnswer = agent.request("POST", "/services/create", deep);
        assertEquals(400, deepAnswer.statusCode(), deepAnswer.body());
        assertFalse(deepAnswer.body().contains("jackson"), "no parser internals in the answer: " + deepAnswer.body());

        // a cross-site POST a web page could send: refused, and it starts nothing
        Path marker = tmp.resolve("cross-site-ran");
        String spec = "{\"Name\":\"evil\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\","
                + "\"Command\":[\"touch\",\"" + marker + "\"]}}}";
        String crossSite = crossSitePost(agent.apiPort, spec);
        assertTrue(crossSite.startsWith("HTTP/1.1 4"), "cross-site request: " + crossSite);
        assertEquals(0, agent.get("/services").size(), "no service was created");
        assertFalse(Files.exists(marker));

        // a 15 MB label: one 4xx, and the next write succeeds at once
        String label = "x".repeat(15 * 1024 * 1024);
        HttpResponse<String> big = agent.request("POST", "/services/create", "{\"Name\":\"big\",\"Labels\":{\"l\":\""
                + label + "\"},\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Command\":[\"sleep\",\"60\"]}}}");
        assertTrue(big.statusCode() >= 400 && big.statusCode() < 500, big.statusCode() + " " + big.body());
        assertTrue(big.body().length() < 1_000, "one line, not the label back: " + big.body().length() + " chars");
        started = System.nanoTime();
        HttpResponse<String> next = agent.request("POST", "/services/create",
                "{\"Name\":\"next\",\"TaskTemplate\":{\"ContainerSpec\":{\"Image\":\"busybox\",\"Command\":[\"sleep\",\"60\"]}},"
                        + "\"Mode\":{\"Replicated\":{\"Replicas\":0}}}");
        long nextMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(201, next.statusCode(), next.body());

        LatencyProbe.Figures after = probe.measure(200, ANSWER_WITHIN);
        long stillHeld = idleConnectionsHeld(agent.apiPort);
        assertTrue(stillHeld >= IDLE_CONNECTIONS,
                "the idle connections are still held (their idle timeout is 120 s): " + stillHeld);
        System.out.printf("ApiAbuseIT: GET /services over 200 requests: quiet %s; with %d idle connections %s;"
                        + " with %d slowloris clients too %s; after the oversized requests %s%n",
                quiet, IDLE_CONNECTIONS, withIdle, SLOWLORIS_CONNECTIONS, withSlowloris, after);
        System.out.printf("ApiAbuseIT: slowloris cut after %d ms; 100 MB body refused in %d ms;"
                + " the write after a 15 MB label took %d ms%n", slowCutMillis, hugeMillis, nextMillis);
    }

    private static void sendOneHeaderByte(Socket s) {
        try {
            OutputStream out = s.getOutputStream();
            out.write('X');
            out.flush();
        } catch (IOException e) {
            // closed by the agent: what the test waits for
        }
    }

    private static String crossSitePost(int apiPort, String body) throws IOException {
        try (Socket s = RawHttp.connect("127.0.0.1", apiPort)) {
            s.setSoTimeout(10_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(("POST /v1.47/services/create HTTP/1.1\r\nHost: 127.0.0.1:" + apiPort
                    + "\r\nOrigin: http://evil.example\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(bytes);
            return RawHttp.readLine(s.getInputStream());
        }
    }

    /**
     * Established connections on the API port whose peers are the idle clients' sources
     * (127.0.0.2 and up, PER_SOURCE each), from the kernel's TCP tables. Counting them, not all of
     * the agent's sockets, keeps its other sockets (clients of its own, closed when collected)
     * out of the figure. IPv4 sockets are in /proc/net/tcp, dual-stack ones in tcp6 with the
     * v4-mapped address; both print an IPv4 address as one little-endian word.
     */
    private static long idleConnectionsHeld(int apiPort) throws IOException {
        int sources = (IDLE_CONNECTIONS + PER_SOURCE - 1) / PER_SOURCE;
        long held = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String local = f[1];
                String remote = f[2];
                if (!f[3].equals("01") || Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) != apiPort) {
                    continue; // not ESTABLISHED, or not the API's side of a connection
                }
                String ip = remote.substring(0, remote.indexOf(':'));
                String word = ip.substring(ip.length() - 8);
                int first = Integer.parseInt(word.substring(6, 8), 16);
                int last = Integer.parseInt(word.substring(0, 2), 16);
                if (first == 127 && word.substring(2, 6).equals("0000") && last >= 2 && last < 2 + sources) {
                    held++;
                }
            }
        }
        return held;
    }
}
