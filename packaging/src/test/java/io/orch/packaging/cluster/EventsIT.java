package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.packaging.cluster.ClusterFixture.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cluster events end to end, on a manager and a worker: a stream opened before a service is
 * created gets its create event; afterwards {@code orch events --since --until} shows the
 * service's create, update (scale) and remove and the worker going down (kill -9), and the stock
 * {@code docker events --filter type=service} shows the same service events, line for line.
 */
class EventsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60); // a deadline, not a goal
    private ClusterFixture cluster;

    @RegisterExtension
    final KeepRunOnFailure keepRunOnFailure = new KeepRunOnFailure(() -> cluster);

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void serviceAndNodeEventsAreStreamedAndReplayedToOrchAndDocker() throws Exception {
        cluster = new ClusterFixture("events", new PortBlocks(29700, 29800, true));
        AgentNode m1 = cluster.init("m1", NodeHost.LOOPBACK);
        AgentNode w1 = cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        String w1Id = m1.api.node("w1").orElseThrow().id();
        Instant start = Instant.now();
        String tag = ClusterFixture.sleepTag();

        JsonNode streamed;
        try (EventStream stream = EventStream.open(m1.apiPort(), "{\"type\":{\"service\":true}}")) {
            assertTrue(m1.api.createSleepService("ev", 2, tag).ok());
            streamed = stream.next();
        }
        assertEquals("service", streamed.path("Type").asText());
        assertEquals("create", streamed.path("Action").asText());
        assertEquals("ev", streamed.path("Actor").path("Attributes").path("name").asText());
        assertEquals("swarm", streamed.path("scope").asText());
        String serviceId = streamed.path("Actor").path("ID").asText();

        await("both replicas run").atMost(DEADLINE).until(() -> TaskView.running(m1.api, "ev").size() == 2);
        OrchBinary.Result scale = OrchBinary.cli(List.of(), m1.apiPort(), "service", "scale", "ev=3");
        assertEquals(0, scale.exit(), scale.toString());
        OrchBinary.Result rm = OrchBinary.cli(List.of(), m1.apiPort(), "service", "rm", "ev");
        assertEquals(0, rm.exit(), rm.toString());
        await("the service's processes are gone").atMost(DEADLINE)
                .until(() -> HostProcesses.withArgv(List.of("sleep", tag)).isEmpty());

        w1.kill9();
        HostProcesses.killUnder(w1.dataDir); // what it ran (none by now: the service is gone), as after a crash
        cluster.awaitDown(List.of(w1), DEADLINE);
        Instant until = Instant.now();

        OrchBinary.Result events = OrchBinary.cli(List.of(), m1.apiPort(), "events",
                "--since", Long.toString(start.getEpochSecond()), "--until", until.toString());
        assertEquals(0, events.exit(), events.toString());
        System.out.println("orch events --since --until printed:\n" + events.out());
        List<String> lines = events.out().lines().toList();
        int create = indexOf(lines, " service create " + serviceId + " (name=ev)");
        int update = indexOf(lines, " service update " + serviceId + " (name=ev, replicas.new=3, replicas.old=2)");
        int remove = indexOf(lines, " service remove " + serviceId + " (name=ev)");
        int down = -1;
        for (int i = 0; i < lines.size() && down < 0; i++) {
            if (lines.get(i).contains(" node update " + w1Id + " (") && lines.get(i).contains("state.new=down")) {
                down = i;
            }
        }
        assertTrue(down >= 0, "w1 going down is a node update:\n" + events.out());
        assertTrue(create < update && update < remove && remove < down, "in the order they happened:\n" + events.out());
        assertTrue(lines.stream().anyMatch(l -> l.contains(" task create ") && l.contains("service=ev")),
                "task events come too:\n" + events.out());

        assumeTrue(onPath("docker"), "the docker CLI is not installed");
        String docker = docker("tcp://127.0.0.1:" + m1.apiPort(), "events", "--since", Long.toString(start.getEpochSecond()),
                "--until", until.toString(), "--filter", "type=service");
        List<String> serviceLines = lines.stream().filter(l -> l.contains(" service ")).toList();
        assertEquals(serviceLines, docker.lines().toList(), "docker events shows orch's service events as they are");
    }

    /** A raw {@code GET /events} with no until, read line by line. */
    private record EventStream(Socket socket, BufferedReader in) implements AutoCloseable {
        /** Once its head is read the manager is listening: it subscribes before it answers. */
        static EventStream open(int apiPort, String filtersJson) throws Exception {
            Socket s = new Socket("127.0.0.1", apiPort);
            s.setSoTimeout((int) DEADLINE.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("GET /v1.47/events?filters=" + URLEncoder.encode(filtersJson, StandardCharsets.UTF_8)
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            assertTrue(status != null && status.startsWith("HTTP/1.1 200"), "GET /events answers " + status);
            String header;
            boolean chunked = false;
            while ((header = in.readLine()) != null && !header.isEmpty()) {
                chunked |= header.equalsIgnoreCase("transfer-encoding: chunked");
            }
            assertTrue(chunked, "the events body is streamed in chunks");
            return new EventStream(s, in);
        }

        /** The next event (chunk-size lines skipped: each event is one JSON line), within the socket's timeout. */
        JsonNode next() throws Exception {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("{")) {
                    return NodeApi.JSON.readTree(line);
                }
            }
            throw new AssertionError("the event stream ended with no event");
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static int indexOf(List<String> lines, String suffix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith(suffix)) {
                return i;
            }
        }
        throw new AssertionError("no event line ending with \"" + suffix + "\" in:\n" + String.join("\n", lines));
    }

    private static String docker(String host, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("docker", ".out");
        Path err = Files.createTempFile("docker", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("DOCKER_HOST", host);
            Process p = pb.start();
            if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("docker " + List.of(args) + " did not finish within " + DEADLINE.toSeconds() + " s");
            }
            String text = Files.readString(out);
            assertEquals(0, p.exitValue(), "docker " + List.of(args) + ": " + text + Files.readString(err));
            return text;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
