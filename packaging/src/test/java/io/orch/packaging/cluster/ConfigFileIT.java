package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `orch agent --config FILE` with every setting in the file (data dir, addresses, hostname,
 * runtime, JSON logs): the agent listens where the file says, a swarm is initialised through its
 * API, and every line it writes on stderr is a JSON object. A file with an unknown key stops the
 * agent before anything starts, with one FILE:LINE:COL line.
 */
class ConfigFileIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PortBlocks ports = new PortBlocks(28600, 28700, true);
    @TempDir
    Path root;
    private Process agent;

    @BeforeEach
    void built() {
        OrchBinary.requireBuilt();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (agent != null && agent.isAlive()) {
            agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        HostProcesses.killUnder(root.resolve("data"));
    }

    @Test
    void theAgentTakesItsSettingsFromTheFileAndLogsJson() throws Exception {
        int p = ports.next();
        Path dataDir = root.resolve("data");
        Path config = Files.writeString(root.resolve("orch.yaml"), String.join("\n",
                "# every setting of this agent, none on its command line",
                "data-dir: " + dataDir,
                "listen-addr: 127.0.0.1:" + p,
                "gossip-addr: 127.0.0.1:" + PortBlocks.gossip(p),
                "api-addr: 127.0.0.1:" + PortBlocks.api(p),
                "hostname: from-config-file",
                "runtime: process",
                "insecure-registry: [registry.lan:5000]",
                "log-format: json",
                "log-level: info",
                "autolock: true # an option of orch init: warned about, not applied",
                ""));
        Path stderr = root.resolve("agent.err");
        Path stdout = root.resolve("agent.out");
        ProcessBuilder pb = new ProcessBuilder(OrchBinary.BIN.toString(), "agent", "--config", config.toString())
                .redirectError(stderr.toFile()).redirectOutput(stdout.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(OrchBinary.AGENT_ENV);
        agent = pb.start();
        NodeApi api = new LoopbackApi(PortBlocks.api(p));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertTrue(agent.isAlive(), () -> "the agent exited:\n" + read(stderr));
            return api.pingable();
        });

        // docker's default ListenAddr means the agent's own --listen-addr: here, the file's
        NodeApi.Reply init = api.call("POST", "/swarm/init", "{\"ListenAddr\":\"0.0.0.0:2377\"}");
        assertEquals(200, init.status(), init.body());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertEquals("active", api.get("/info").at("/Swarm/LocalNodeState").asText()));
        assertTrue(accepts(p), "the node-to-node listener is on the file's listen-addr");
        assertTrue(accepts(PortBlocks.raft(p)), "Raft is on the file's listen-addr port + 2");
        assertTrue(api.node("from-config-file").isPresent(), "the file's hostname: " + api.get("/nodes"));
        assertTrue(Files.isDirectory(dataDir) && Files.list(dataDir).findAny().isPresent(), "the file's data-dir holds the state");
        assertFalse(api.get("/swarm").at("/Spec/EncryptionConfig/AutoLockManagers").asBoolean(),
                "autolock, an option of orch init, is not applied by orch agent");

        agent.destroy(); // SIGTERM: a clean stop
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "the agent stops on SIGTERM");
        assertEquals(0, agent.exitValue(), read(stderr));

        List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        assertFalse(lines.isEmpty(), "the agent logged nothing");
        boolean warned = false;
        for (String line : lines) {
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("a stderr line that is not JSON: " + line, e);
            }
            for (String field : List.of("time", "level", "logger", "thread", "msg")) {
                assertTrue(event.path(field).isTextual(), "no " + field + " in " + line);
            }
            warned |= event.path("level").asText().equals("WARN") && event.path("msg").asText()
                    .equals(config + ":11:1: key 'autolock' is an option of orch init, not of orch agent: not applied");
        }
        assertTrue(warned, "the init-only key is warned about:\n" + String.join("\n", lines));
    }

    @Test
    void anUnknownKeyStopsTheAgentBeforeAnythingStartsWithOneLineNamingIt() throws Exception {
        int p = ports.next();
        Path dataDir = root.resolve("data");
        Path config = Files.writeString(root.resolve("bad.yaml"), String.join("\n",
                "data-dir: " + dataDir,
                "api-addr: 127.0.0.1:" + PortBlocks.api(p),
                "listen-adr: 127.0.0.1:" + p,
                ""));
        OrchBinary.Result r = OrchBinary.run(List.of(), List.of("agent", "--config", config.toString()),
                OrchBinary.AGENT_ENV, Duration.ofSeconds(60));
        assertNotEquals(0, r.exit(), r.toString());
        List<String> err = r.errLines();
        assertEquals(1, err.size(), r.toString());
        assertTrue(err.get(0).contains(config + ":3:1: unknown key 'listen-adr' (known: "), err.get(0));
        assertTrue(err.get(0).contains("listen-addr"), err.get(0));
        assertFalse(Files.exists(dataDir), "nothing was started: no data dir");
        assertFalse(accepts(PortBlocks.api(p)), "nothing was started: no API");
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
