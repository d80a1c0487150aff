package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.orch.api.json.DockerJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node in no swarm, through a real API server on loopback TCP; the agent behind it is a recording stand-in. */
class InactiveNodeApiTest {
    /** What `docker swarm init` (28.x) sends with no flags. */
    static final String CLI_INIT_BODY = "{\"ListenAddr\": \"0.0.0.0:2377\", \"AdvertiseAddr\": \"\", \"DataPathAddr\": \"\", "
            + "\"DataPathPort\": 0, \"ForceNewCluster\": false, \"Spec\": {\"Labels\": null, \"Orchestration\": {}, "
            + "\"Raft\": {\"ElectionTick\": 0, \"HeartbeatTick\": 0}, \"Dispatcher\": {}, \"CAConfig\": {}, \"TaskDefaults\": {}, "
            + "\"EncryptionConfig\": {\"AutoLockManagers\": false}}, \"AutoLockManagers\": false, \"Availability\": \"\", "
            + "\"DefaultAddrPool\": [], \"SubnetSize\": 24}";

    private final List<Object> asked = new ArrayList<>();
    private final AtomicBoolean switched = new AtomicBoolean();
    private final SwarmMembership membership = new SwarmMembership() {
        @Override
        public Transition<String> init(SwarmInitRequest request) {
            asked.add(request);
            return new Transition<>("newnodeid", () -> switched.set(true));
        }

        @Override
        public Transition<Void> join(SwarmJoinRequest request) {
            asked.add(request);
            return new Transition<>(null, () -> switched.set(true));
        }

        @Override
        public Runnable leave(boolean force) {
            throw new AssertionError("a node in no swarm is never asked to leave");
        }
    };
    private ApiServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        server = new ApiServer(InactiveNodeApi.handler("host-a", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "0.1.0",
                null, membership), null);
        address = server.startTcp("127.0.0.1:0");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void infoAndPingSayTheNodeIsInNoSwarm() throws Exception {
        Reply info = request("GET", "/v1.47/info", null);
        assertEquals(200, info.status);
        JsonNode swarm = DockerJson.MAPPER.readTree(info.body).get("Swarm");
        assertEquals("inactive", swarm.get("LocalNodeState").asText());
        assertFalse(swarm.get("ControlAvailable").asBoolean());
        assertTrue(request("HEAD", "/_ping", null).head.contains("Swarm: inactive"));
    }

    @Test
    void servesTheNodesOwnImageStore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        server.close();
        server = new ApiServer(InactiveNodeApi.handler("host-a", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "0.1.0",
                new io.orch.runtime.image.ImageStore(dir.resolve("images")), membership), dir.resolve("images/tmp"));
        address = server.startTcp("127.0.0.1:0");
        Reply r = request("GET", "/v1.47/images/json", null);
        assertEquals(200, r.status, r.body);
        assertTrue(DockerJson.MAPPER.readTree(r.body).isArray());
        assertEquals(404, request("DELETE", "/v1.47/images/nosuch:1", null).status);
    }

    @Test
    void clusterEndpointsAnswerDockersNoSwarm503() throws Exception {
        for (String path : new String[] {"/v1.47/swarm", "/v1.47/nodes", "/v1.47/services", "/v1.47/swarm/unlockkey"}) {
            Reply r = request("GET", path, null);
            assertEquals(503, r.status, path);
            assertEquals(InactiveNodeApi.NO_SWARM_MANAGER, message(r), path);
        }
        Reply leave = request("POST", "/v1.47/swarm/leave?force=1", null);
        assertEquals(503, leave.status);
        assertEquals("This node is not part of a swarm", message(leave));
    }

    @Test
    void initWithTheCliDefaultsAnswersTheNodeIdThenSwitches() throws Exception {
        Reply r = request("POST", "/v1.47/swarm/init", CLI_INIT_BODY, true);
        assertEquals(200, r.status);
        assertEquals("newnodeid", DockerJson.MAPPER.readTree(r.body).asText());
        assertTrue(r.closedByServer, "the connection is closed so the client's next request reaches the new API");
        await().atMost(Duration.ofSeconds(10)).untilTrue(switched);
        SwarmInitRequest init = (SwarmInitRequest) asked.get(0);
        assertNull(init.listenAddr(), "docker's default ListenAddr means the agent's own --listen-addr");
        assertEquals(24, init.subnetSize());
        assertFalse(init.forceNewCluster());
    }

    @Test
    void initWithAutolockAsksForItInTheNewSwarmsSpec() throws Exception {
        Reply r = request("POST", "/v1.47/swarm/init", CLI_INIT_BODY.replace("\"AutoLockManagers\": false, \"Availability\"",
                "\"AutoLockManagers\": true, \"Availability\""));
        assertEquals(200, r.status, r.body);
        await().atMost(Duration.ofSeconds(10)).untilTrue(switched);
        SwarmInitRequest init = (SwarmInitRequest) asked.get(0);
        assertTrue(init.spec().getEncryptionConfig().getAutoLockManagers(), "docker swarm init --autolock");
        io.orch.api.proto.Cluster created = init.appliedTo(io.orch.api.proto.Cluster.newBuilder().setId("c1").build());
        assertTrue(io.orch.agent.seal.AutolockPolicy.unlockKey(created).isPresent(), "the new swarm gets its unlock key");
    }

    @Test
    void joinPassesTheManagersAndTokenAndAnswersEmpty() throws Exception {
        Reply r = request("POST", "/v1.47/swarm/join", "{\"ListenAddr\": \"0.0.0.0:2377\", \"AdvertiseAddr\": \"\", "
                + "\"DataPathAddr\": \"\", \"RemoteAddrs\": [\"10.0.0.1:2377\"], \"JoinToken\": \"SWMTKN-1-x-y\", \"Availability\": \"\"}");
        assertEquals(200, r.status);
        await().atMost(Duration.ofSeconds(10)).untilTrue(switched);
        SwarmJoinRequest join = (SwarmJoinRequest) asked.get(0);
        assertEquals(List.of("10.0.0.1:2377"), join.remoteAddrs());
        assertEquals("SWMTKN-1-x-y", join.joinToken());
        assertFalse(join.toString().contains("SWMTKN"), "the token is never printed");
    }

    private static String message(Reply r) throws IOException {
        return DockerJson.MAPPER.readTree(r.body).get("message").asText();
    }

    record Reply(int status, String head, String body, boolean closedByServer) {}

    /** One raw HTTP/1.1 keep-alive request; reads the (plain or chunked) answer, then whether the server closed. */
    private Reply request(String method, String path, String body) throws IOException {
        return request(method, path, body, false);
    }

    /** @param awaitClose wait (up to the socket timeout) for the server to close the connection */
    private Reply request(String method, String path, String body, boolean awaitClose) throws IOException {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(10_000);
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            String head = readLine(in);
            int status = Integer.parseInt(head.split(" ")[1]);
            StringBuilder headers = new StringBuilder();
            int length = -1;
            boolean chunked = false;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                headers.append(line).append('\n');
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            StringBuilder content = new StringBuilder();
            if (method.equals("HEAD")) {
                length = 0;
            }
            if (chunked) {
                for (int size = Integer.parseInt(readLine(in).trim(), 16); size > 0; size = Integer.parseInt(readLine(in).trim(), 16)) {
                    content.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                    readLine(in);
                }
                readLine(in);
            } else if (length > 0) {
                content.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            }
            boolean closed = false;
            try {
                closed = awaitClose && in.read() == -1;
            } catch (java.net.SocketTimeoutException e) {
                closed = false;
            }
            return new Reply(status, headers.toString(), content.toString(), closed);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
