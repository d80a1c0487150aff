package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.seal.NodeKeyLock;
import io.orch.agent.seal.NodeKeySeal;
import io.orch.agent.seal.StoreKeyFile;
import io.orch.agent.seal.UnlockKey;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.StoreSnapshot;
import io.orch.packaging.cluster.ClusterFixture.Role;
import io.orch.raft.seal.AesGcmSeal;
import io.orch.raft.seal.SealKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing secret in clear at rest or in sight: a secret whose value is a random marker, used by a
 * service's tasks on two managers and a worker; then every file under every node's data dir (Raft
 * log segments, snapshots, key files, task dirs), every agent's log, the API answers, and
 * /proc/PID/cmdline and environ of the agents and the tasks are searched for the marker and for
 * the body of the cluster's CA private key. The one place the secret is meant to be, the task's
 * secrets tmpfs, is read to prove delivery, and left out of the search. A snapshot opened with a
 * manager's store key holds both values: the search would have found them in clear. The gossip key
 * is searched for too, on every node. A second test does the same under autolock for the managers'
 * node TLS keys.
 */
class SealedAtRestIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Bigger files are images or task output, not state: none is expected near this size. */
    private static final long SCAN_MAX_BYTES = 256L << 20;
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
    void noSecretValueNorTheCaKeyIsInClearOnDiskInLogsInAnswersOrInProc() throws Exception {
        cluster = new ClusterFixture("sealed", new PortBlocks(27300, 27400, true));
        AgentNode m1 = cluster.init("m1", NodeHost.LOOPBACK);
        AgentNode m2 = cluster.join("m2", Role.MANAGER, NodeHost.LOOPBACK);
        AgentNode w1 = cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        assertTrue(StoreKeyFile.exists(m1.dataDir) && StoreKeyFile.exists(m2.dataDir), "each manager holds the store key");
        assertFalse(StoreKeyFile.exists(w1.dataDir), "a worker never gets the store key");

        String marker = "sealed-marker-" + UUID.randomUUID();
        NodeApi.Reply created = m1.api.call("POST", "/secrets/create", "{\"Name\":\"marker\",\"Data\":\""
                + Base64.getEncoder().encodeToString(marker.getBytes(StandardCharsets.UTF_8)) + "\"}");
        assertEquals(201, created.status(), created.toString());
        String secretId = created.json().path("ID").asText();
        String tag = ClusterFixture.sleepTag();
        NodeApi.Reply service = m1.api.call("POST", "/services/create", ("{\"Name\":\"uses-secret\","
                + "\"TaskTemplate\":{\"Runtime\":\"process\",\"ContainerSpec\":{\"Image\":\"busybox\",\"Args\":[\"sleep\",\"%s\"],"
                + "\"Secrets\":[{\"SecretID\":\"%s\",\"SecretName\":\"marker\",\"File\":{\"Name\":\"marker\",\"UID\":\"0\","
                + "\"GID\":\"0\",\"Mode\":256}}]},\"Placement\":{\"MaxReplicas\":1}},"
                + "\"Mode\":{\"Replicated\":{\"Replicas\":3}}}").formatted(tag, secretId));
        assertEquals(201, service.status(), service.toString());
        await("a task on each node").atMost(DEADLINE).until(() -> TaskView.running(m1.api, "uses-secret").size() == 3);
        for (AgentNode n : cluster.nodes()) {
            await(n.name + " delivered the secret to its task").atMost(DEADLINE).until(() -> secretFiles(n).size() == 1);
            assertEquals(marker, Files.readString(secretFiles(n).get(0)), "the task sees the secret's value");
        }

        // a snapshot on each manager: a clean stop writes one (snapshotOnStop), the log stays too
        for (AgentNode m : List.of(m2, m1)) {
            assertEquals(0, m.stop(Duration.ofSeconds(30)), m.name + " stops cleanly");
            m.restart(ClusterFixture.AGENT_READY);
        }
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        await("the tasks run on").atMost(DEADLINE).until(() -> TaskView.running(m1.api, "uses-secret").size() == 3);

        // what the search looks for, read from a snapshot opened with the manager's key: the
        // positive control (sealed bytes opened hold the marker; a clear copy would be found)
        StoreSnapshot opened = openLatestSnapshot(m1);
        assertTrue(opened.getSecretsList().stream().anyMatch(s -> s.getSpec().getData().toStringUtf8().equals(marker)),
                "the opened snapshot holds the secret");
        Cluster c = opened.getClustersList().get(0);
        String caKeyBody = pemBody(c.getRootCa().getCaKeyPem());
        assertTrue(caKeyBody.length() > 60, "the CA key's base64 body: " + caKeyBody.length() + " characters");
        Map<String, byte[]> needles = new LinkedHashMap<>();
        needles.put("the secret's value", marker.getBytes(StandardCharsets.UTF_8));
        needles.put("the secret's value in base64", Base64.getEncoder().encodeToString(marker.getBytes(StandardCharsets.UTF_8))
                .substring(0, 24).getBytes(StandardCharsets.US_ASCII));
        // 48 characters of the PEM's first line: the key in any PEM or base64 form holds them; and the DER itself
        needles.put("the CA private key (PEM/base64)", caKeyBody.substring(8, 56).getBytes(StandardCharsets.US_ASCII));
        needles.put("the CA private key (DER)", Base64.getDecoder().decode(caKeyBody));
        // the gossip key: no node keeps it on disk (a manager reads it from its store, a worker from its session)
        needles.putAll(gossipKeyNeedles(c));

        List<String> found = new ArrayList<>();
        int scannedFiles = 0;
        boolean sawSnapshot = false;
        boolean sawSegment = false;
        for (AgentNode n : cluster.nodes()) {
            for (Path f : filesUnder(n.dataDir)) {
                if (isTaskSecret(n, f) || Files.size(f) > SCAN_MAX_BYTES) {
                    continue;
                }
                sawSnapshot |= f.getFileName().toString().matches("snapshot\\.\\d+_\\d+");
                sawSegment |= f.getFileName().toString().startsWith("log_");
                scannedFiles++;
                search(found, f.toString(), Files.readAllBytes(f), needles);
            }
            search(found, n.log.toString(), Files.readAllBytes(n.log), needles);
        }
        assertTrue(sawSnapshot && sawSegment, "snapshots and log segments were among the files searched");

        int answers = 0;
        for (AgentNode m : List.of(m1, m2)) {
            for (String path : List.of("/secrets", "/secrets/" + secretId, "/services", "/services/uses-secret", "/tasks",
                    "/info", "/swarm", "/nodes", "/configs", "/networks")) {
                NodeApi.Reply r = m.api.call("GET", path, null);
                assertEquals(200, r.status(), m.name + " GET " + path + ": " + r);
                search(found, m.name + " GET " + path, r.body().getBytes(StandardCharsets.UTF_8), needles);
                answers++;
            }
        }
        JsonNode inspected = m1.api.get("/secrets/" + secretId);
        assertTrue(inspected.path("Spec").path("Data").isMissingNode() || inspected.path("Spec").path("Data").asText().isEmpty(),
                "secret inspect shows no data: " + inspected);

        Set<Long> pids = new LinkedHashSet<>();
        for (AgentNode n : cluster.nodes()) {
            pids.add(n.pid());
            ProcessHandle.of(n.pid()).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
            HostProcesses.under(n.dataDir).forEach(p -> pids.add(p.pid()));
        }
        int tasksSeen = 0;
        int supervisorsSeen = 0; // each task's supervisor shell carries the task's argv and environment too
        for (long pid : pids) {
            for (String what : List.of("cmdline", "environ")) {
                Path proc = Path.of("/proc", Long.toString(pid), what);
                try {
                    byte[] bytes = Files.readAllBytes(proc);
                    search(found, proc.toString(), bytes, needles);
                    String text = new String(bytes, StandardCharsets.UTF_8);
                    if (what.equals("cmdline") && text.contains(tag)) {
                        if (text.contains("orch-task")) {
                            supervisorsSeen++;
                        } else {
                            tasksSeen++;
                        }
                    }
                } catch (IOException exited) {
                    // a short-lived helper that ended meanwhile
                }
            }
        }
        assertEquals(3, tasksSeen, "the three task processes were among those searched");
        assertEquals(3, supervisorsSeen, "and their three supervisors");
        System.out.printf("searched %d files, %d logs, %d API answers, %d processes: %s%n", scannedFiles,
                cluster.nodes().size(), answers, pids.size(), found.isEmpty() ? "nothing in clear" : found);
        assertEquals(List.of(), found, "found in clear");
    }

    /**
     * Under autolock: a manager's node TLS key is sealed under the unlock key, as its store key file
     * is, from the first write (init, and a manager that joins the autolocked cluster); the gossip
     * key is nowhere on disk; a worker's node key stays in clear (as in swarmkit). The leader stops
     * cleanly (a snapshot), restarts locked, is unlocked: its service still runs and a write
     * succeeds; a worker restarted gets the gossip key from its session and is ready again. Then
     * every file of the managers' data dirs and their logs is searched for either node key's PKCS#8
     * DER and PEM body, and the gossip key (raw and base64); the worker's for the gossip key.
     */
    @Test
    void underAutolockTheManagersNodeKeysAndTheGossipKeyAreNotInClearAndAnUnlockedManagerWorks() throws Exception {
        cluster = new ClusterFixture("sealed-autolock", new PortBlocks(28340, 28440, true)).initFlags("--autolock");
        AgentNode m1 = cluster.init("m1", NodeHost.LOOPBACK);
        UnlockKey key = UnlockKey.parse(cli(m1, "unlock-key", "-q"));
        assertTrue(StoreKeyFile.locked(m1.dataDir) && NodeKeyLock.sealed(certificates(m1)), "init writes both encrypted");
        AgentNode m2 = cluster.join("m2", Role.MANAGER, NodeHost.LOOPBACK);
        // no await: the joining manager's first write of each file is the encrypted one
        assertTrue(StoreKeyFile.locked(m2.dataDir), "the joined manager's store key file is encrypted at once");
        assertTrue(NodeKeyLock.sealed(certificates(m2)), "and its node key");
        AgentNode w1 = cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        assertFalse(NodeKeyLock.sealed(certificates(w1)), "a worker's node key is in clear, as in swarmkit");
        assertFalse(StoreKeyFile.exists(w1.dataDir));
        assertEquals(201, m1.api.createSleepService("kept", 3, ClusterFixture.sleepTag()).status());
        await("three tasks run").atMost(DEADLINE).until(() -> TaskView.running(m1.api, "kept").size() == 3);

        // the leader: a clean stop (a snapshot), a locked restart, the unlock
        assertEquals(0, m1.stop(Duration.ofSeconds(30)), "m1 stops cleanly");
        m1.restart(ClusterFixture.AGENT_READY);
        assertEquals("locked", m1.api.get("/info").at("/Swarm/LocalNodeState").asText());
        OrchBinary.Result unlocked = OrchBinary.cliWithInput(m1.host.commandPrefix(), m1.apiPort(), key.text() + "\n", "unlock");
        assertEquals(0, unlocked.exit(), unlocked.toString());
        await("the unlocked manager serves again").atMost(DEADLINE).untilAsserted(() ->
                assertEquals(200, m1.api.call("GET", "/services", null).status()));
        await("a write succeeds").atMost(DEADLINE).until(() ->
                m1.api.createSleepService("after-unlock", 1, ClusterFixture.sleepTag()).status() == 201);
        await("the service still runs").atMost(DEADLINE).until(() -> TaskView.running(m1.api, "kept").size() == 3);
        assertTrue(NodeKeyLock.sealed(certificates(m1)) && StoreKeyFile.locked(m1.dataDir), "still encrypted after the unlock");

        // a worker restart: it keeps no gossip key, and gets it from its dispatcher session
        w1.kill9();
        cluster.awaitDown(List.of(w1), DEADLINE);
        w1.restart(ClusterFixture.AGENT_READY);
        await("w1 hears the gossip key from its session").atMost(DEADLINE).until(() ->
                Files.readString(w1.log).contains("gossip started with the key the manager sent"));
        cluster.awaitReady(cluster.nodes(), DEADLINE);

        Cluster c = openLatestSnapshot(m1, java.util.Optional.of(key)).getClustersList().get(0);
        Map<String, byte[]> gossip = gossipKeyNeedles(c);
        Map<String, byte[]> managerNeedles = new LinkedHashMap<>(gossip);
        for (AgentNode m : List.of(m1, m2)) {
            String pem = new NodeKeySeal(key).decode(Files.readString(certificates(m).resolve(NodeCredentials.KEY_FILE)));
            String body = pemBody(pem);
            assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----") && body.length() > 60, m.name + "'s node key opened");
            managerNeedles.put(m.name + "'s node key (PEM body)", body.substring(8, 56).getBytes(StandardCharsets.US_ASCII));
            managerNeedles.put(m.name + "'s node key (PKCS#8 DER)", Base64.getDecoder().decode(body));
        }
        List<String> found = new ArrayList<>();
        int scanned = 0;
        for (AgentNode n : cluster.nodes()) {
            Map<String, byte[]> needles = n == w1 ? gossip : managerNeedles;
            for (Path f : filesUnder(n.dataDir)) {
                if (isTaskSecret(n, f) || Files.size(f) > SCAN_MAX_BYTES) {
                    continue;
                }
                scanned++;
                search(found, f.toString(), Files.readAllBytes(f), needles);
            }
            search(found, n.log.toString(), Files.readAllBytes(n.log), needles);
        }
        System.out.printf("autolock: searched %d files and %d logs: %s%n", scanned, cluster.nodes().size(),
                found.isEmpty() ? "nothing in clear" : found);
        assertEquals(List.of(), found, "found in clear");
    }

    private static Path certificates(AgentNode n) {
        return NodeCredentials.directoryIn(n.dataDir);
    }

    private static Map<String, byte[]> gossipKeyNeedles(Cluster c) {
        byte[] gossipKey = c.getGossipKey().toByteArray();
        assertEquals(32, gossipKey.length, "the cluster's gossip key");
        Map<String, byte[]> needles = new LinkedHashMap<>();
        needles.put("the gossip key", gossipKey);
        needles.put("the gossip key in base64", Base64.getEncoder().encodeToString(gossipKey).substring(0, 40)
                .getBytes(StandardCharsets.US_ASCII));
        return needles;
    }

    private static String cli(AgentNode m, String... args) throws Exception {
        OrchBinary.Result r = OrchBinary.cli(m.host.commandPrefix(), m.apiPort(), args);
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r);
        return r.out().strip();
    }

    private static void search(List<String> found, String where, byte[] haystack, Map<String, byte[]> needles) {
        needles.forEach((what, needle) -> {
            if (indexOf(haystack, needle) >= 0) {
                found.add(what + " in " + where);
            }
        });
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String pemBody(String pem) {
        return pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
    }

    /** The secret files in {@code n}'s task dirs (on the tasks' tmpfs). */
    private static List<Path> secretFiles(AgentNode n) throws IOException {
        return filesUnder(n.dataDir.resolve("tasks")).stream().filter(f -> isTaskSecret(n, f)).toList();
    }

    /** {@code DATA/tasks/<task>/secrets/...}: the task's tmpfs, where the secret is meant to be. */
    private static boolean isTaskSecret(AgentNode n, Path f) {
        Path tasks = n.dataDir.resolve("tasks");
        return f.startsWith(tasks) && f.getNameCount() > tasks.getNameCount() + 2
                && f.getName(tasks.getNameCount() + 1).toString().equals("secrets");
    }

    private static List<Path> filesUnder(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(files::add);
        } catch (java.io.UncheckedIOException vanished) {
            // a file removed during the walk (a task's pipe): walk again
            try (Stream<Path> s = Files.walk(root)) {
                return s.filter(Files::isRegularFile).toList();
            }
        }
        return files;
    }

    /** The newest snapshot of {@code m}'s replica, opened with its store key. */
    private static StoreSnapshot openLatestSnapshot(AgentNode m) throws Exception {
        return openLatestSnapshot(m, java.util.Optional.empty());
    }

    /** The same, the store key file opened with {@code unlock} under autolock. */
    private static StoreSnapshot openLatestSnapshot(AgentNode m, java.util.Optional<UnlockKey> unlock) throws Exception {
        SealKey key = StoreKeyFile.load(m.dataDir, unlock);
        Path snapshot = filesUnder(m.dataDir.resolve("raft")).stream()
                .filter(f -> f.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
                .max(Comparator.comparingLong(f -> Long.parseLong(f.getFileName().toString().replaceAll(".*_", ""))))
                .orElseThrow(() -> new AssertionError("no snapshot under " + m.dataDir.resolve("raft")));
        return StoreSnapshot.parseFrom(new AesGcmSeal(key).unseal(Files.readAllBytes(snapshot)));
    }
}
