package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.packaging.cluster.ClusterFixture.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A root CA rotation with the stock docker CLI ({@code docker swarm ca --rotate}, which waits until
 * every node holds a certificate of the new root and trusts only it) in a cluster of three managers
 * and two workers with tasks running: no agent restarts and no task restarts (same task ids and
 * process ids), every node stays ready and its dispatcher session and the Raft group stay up (no
 * new session, no new leader) throughout; afterwards every node's DATA/certificates/ca.crt holds
 * only the new root, its certificate and the one its listener presents chain to the new root, a
 * join with the new worker token works and one with the old token is refused. A second rotation,
 * with {@code orch ca --rotate}, moves the cluster on again the same way.
 */
class CaRotationIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60); // a deadline, not a goal
    private static final String SESSION_UP = "dispatcher session established with manager";
    private static final String BECAME_LEADER = "this node is now the leader";
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
    void theRootCaRotatesWithNoDowntimeAndTheOldRootAndTokensAreGone() throws Exception {
        assumeTrue(dockerInstalled(), "the docker CLI is not installed");
        cluster = new ClusterFixture("ca-rotation", new PortBlocks(26600, 26700, true));
        AgentNode m1 = cluster.init("m1", NodeHost.LOOPBACK);
        cluster.join("m2", Role.MANAGER, NodeHost.LOOPBACK);
        cluster.join("m3", Role.MANAGER, NodeHost.LOOPBACK);
        cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
        cluster.join("w2", Role.WORKER, NodeHost.LOOPBACK);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        AgentNode leader = cluster.awaitLeader(cluster.managers(), DEADLINE);

        assertTrue(m1.api.createSleepService("steady", 5, ClusterFixture.sleepTag()).ok());
        await("5 tasks run").atMost(DEADLINE).until(() -> TaskView.running(m1.api, "steady").size() == 5);
        Map<String, Long> tasks = runningTasks(m1.api);
        Map<String, Long> agents = cluster.nodes().stream().collect(Collectors.toMap(n -> n.name, AgentNode::pid));
        Map<String, Long> sessions = countInLogs(cluster.workers(), SESSION_UP);
        Map<String, Long> leaderships = countInLogs(cluster.managers(), BECAME_LEADER);

        JsonNode before = m1.api.get("/swarm");
        String oldRoot = before.at("/TLSInfo/TrustRoot").asText();
        String oldWorkerToken = before.at("/JoinTokens/Worker").asText();
        assertFalse(before.path("RootRotationInProgress").asBoolean(true));

        Instant started = Instant.now();
        DockerRun docker = docker(m1, cluster.root, "swarm", "ca", "--rotate");
        List<String> notReady = new ArrayList<>();
        while (!docker.process().waitFor(300, TimeUnit.MILLISECONDS)) {
            // every node stays ready, every manager reachable, while the rotation runs
            for (ClusterNodeView v : m1.api.nodes()) {
                if (!v.ready() || (v.role().equals("manager") && !v.reachability().equals("reachable"))) {
                    notReady.add(Duration.between(started, Instant.now()).toMillis() + " ms: " + v);
                }
            }
            if (Duration.between(started, Instant.now()).compareTo(Duration.ofMinutes(3)) > 0) {
                docker.process().destroyForcibly();
                throw new AssertionError("docker swarm ca --rotate did not finish within 3 minutes: " + docker.output());
            }
        }
        Duration took = Duration.between(started, Instant.now());
        String dockerOut = docker.output();
        assertEquals(0, docker.process().exitValue(), "docker swarm ca --rotate: " + dockerOut);
        System.out.println("docker swarm ca --rotate took " + took.toMillis() + " ms; it printed:\n" + dockerOut);
        assertEquals(List.of(), notReady, "nodes not ready or managers not reachable during the rotation");

        JsonNode after = m1.api.get("/swarm");
        assertFalse(after.path("RootRotationInProgress").asBoolean(true), after.toString());
        String newRoot = after.at("/TLSInfo/TrustRoot").asText();
        assertNotEquals(oldRoot, newRoot);
        assertTrue(dockerOut.strip().endsWith(newRoot.strip()), "docker prints the new root at the end: " + dockerOut);
        OrchBinary.Result orchCa = OrchBinary.cli(m1.host.commandPrefix(), m1.apiPort(), "ca");
        assertEquals(0, orchCa.exit(), orchCa.toString());
        assertEquals(newRoot.strip(), orchCa.out().strip(), "orch ca prints the root");
        X509Certificate root = certificates(newRoot).get(0);
        X509Certificate old = certificates(oldRoot).get(0);

        for (AgentNode n : cluster.nodes()) {
            Path certs = n.dataDir.resolve("certificates");
            assertEquals(List.of(root), certificates(Files.readString(certs.resolve("ca.crt"))), n.name + ": ca.crt holds only the new root");
            List<X509Certificate> chain = certificates(Files.readString(certs.resolve("node.crt")));
            assertEquals(1, chain.size(), n.name + ": the intermediate is no longer sent");
            chain.get(0).verify(root.getPublicKey()); // throws if not signed by the new root
            X509Certificate presented = PresentedCertificate.at(n.host.ip(), n.port, m1.dataDir)
                    .orElseThrow(() -> new AssertionError(n.name + " presents no certificate"));
            presented.verify(root.getPublicKey());
            assertEquals(chain.get(0), presented, n.name + " presents the certificate it saved");
            assertTrue(n.alive() && n.pid() == agents.get(n.name), n.name + " was not restarted");
        }
        assertFalse(certificates(Files.readString(m1.dataDir.resolve("certificates/ca.crt"))).contains(old));
        assertEquals(tasks, runningTasks(m1.api), "the same tasks run, in the same processes");
        assertEquals(sessions, countInLogs(cluster.workers(), SESSION_UP), "no worker opened a new dispatcher session");
        assertEquals(leaderships, countInLogs(cluster.managers(), BECAME_LEADER), "no new Raft leader");
        assertEquals(leader, cluster.awaitLeader(cluster.managers(), DEADLINE), "the same leader");

        // a second rotation, with orch's CLI, under a root that a rotation made (and its intermediate)
        Instant again = Instant.now();
        OrchBinary.Result orchRotate = OrchBinary.cli(m1.host.commandPrefix(), m1.apiPort(), "ca", "--rotate", "--timeout", "2m");
        System.out.println("orch ca --rotate took " + Duration.between(again, Instant.now()).toMillis() + " ms; it printed:\n"
                + orchRotate.out());
        assertEquals(0, orchRotate.exit(), orchRotate.toString());
        String thirdRoot = m1.api.get("/swarm").at("/TLSInfo/TrustRoot").asText();
        assertNotEquals(newRoot, thirdRoot);
        assertTrue(orchRotate.out().strip().endsWith(thirdRoot.strip()), orchRotate.out());
        root = certificates(thirdRoot).get(0);
        for (AgentNode n : cluster.nodes()) {
            assertEquals(List.of(root), certificates(Files.readString(n.dataDir.resolve("certificates/ca.crt"))), n.name);
        }
        assertEquals(tasks, runningTasks(m1.api), "the same tasks run, in the same processes, after the second rotation");
        assertEquals(sessions, countInLogs(cluster.workers(), SESSION_UP), "no worker opened a new dispatcher session");

        String newWorkerToken = m1.api.get("/swarm").at("/JoinTokens/Worker").asText();
        assertNotEquals(oldWorkerToken, newWorkerToken);
        OrchBinary.Result refused = cluster.joinExpectingRefusal("old-token", oldWorkerToken);
        assertNotEquals(0, refused.exit(), refused.toString());
        assertTrue(refused.toString().contains("join refused"), refused.toString());

        // five agents are enough for this machine: one worker leaves, and a new one joins with the new token
        assertEquals(0, cluster.byName("w2").stop(Duration.ofSeconds(30)), "a clean stop");
        cluster.forgetTokens();
        AgentNode w3 = cluster.join("w3", Role.WORKER, NodeHost.LOOPBACK);
        List<X509Certificate> w3Roots = certificates(Files.readString(w3.dataDir.resolve("certificates/ca.crt")));
        assertEquals(List.of(root), w3Roots, "the new worker pinned and trusts the new root");
        assertTrue(m1.api.createSleepService("after", 1, ClusterFixture.sleepTag()).ok(), "a write");
    }

    private static Map<String, Long> runningTasks(NodeApi api) {
        return TaskView.running(api, "steady").stream().collect(Collectors.toMap(TaskView::id, TaskView::pid, (a, b) -> a, TreeMap::new));
    }

    private static Map<String, Long> countInLogs(List<AgentNode> nodes, String line) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (AgentNode n : nodes) {
            try (var lines = Files.lines(n.log, StandardCharsets.UTF_8)) {
                out.put(n.name, lines.filter(l -> l.contains(line)).count());
            }
        }
        return out;
    }

    private static List<X509Certificate> certificates(String pem) throws GeneralSecurityException {
        try (InputStream in = new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream().map(c -> (X509Certificate) c).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A docker CLI run in the background, its output (both streams) in a file. */
    private record DockerRun(Process process, Path out) {
        String output() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }
    }

    private static DockerRun docker(AgentNode n, Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", "tcp://127.0.0.1:" + n.apiPort());
        Path out = dir.resolve("docker-" + args[args.length - 1].replace("-", "") + ".out");
        return new DockerRun(pb.redirectOutput(out.toFile()).start(), out);
    }

    private static boolean dockerInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "docker"))) {
                return true;
            }
        }
        return false;
    }
}
