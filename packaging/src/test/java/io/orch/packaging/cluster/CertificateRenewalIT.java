package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.packaging.cluster.ClusterFixture.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster whose node certificates last one minute (orch's minimum; Docker's is an hour) keeps
 * working for three of their lifetimes: every node renews its certificate again and again and
 * each node's listener presents the new one to new connections, with no agent restarted and no
 * task replaced; the manager's own certificate, issued for 90 days before the expiry was
 * shortened, is renewed within the new lifetime. At the end the workers reconnect to the
 * restarted manager with the certificates they renewed (the ones they joined with expired long
 * ago), and a write and {@code node ls} work.
 */
class CertificateRenewalIT {
    private static final Duration LIFETIME = Duration.ofMinutes(1);
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
    void nodesRenewTheirCertificatesForSeveralLifetimesWhileTheClusterKeepsWorking() throws Exception {
        cluster = new ClusterFixture("certs", new PortBlocks(26400, 26500, true));
        AgentNode m1 = cluster.init("m1", NodeHost.LOOPBACK);
        OrchBinary.Result update = OrchBinary.cli(m1.host.commandPrefix(), m1.apiPort(), "cluster", "update",
                "--cert-expiry", "1m");
        assertEquals(0, update.exit(), update.toString());
        Instant shortened = Instant.now();
        assertEquals(LIFETIME.toNanos(), m1.api.get("/info").at("/Swarm/Cluster/Spec/CAConfig/NodeCertExpiry").asLong(),
                "docker info's CA Configuration shows the expiry");
        AgentNode w1 = cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
        AgentNode w2 = cluster.join("w2", Role.WORKER, NodeHost.LOOPBACK);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        Map<String, Long> pids = cluster.nodes().stream().collect(Collectors.toMap(n -> n.name, AgentNode::pid));

        assertTrue(m1.api.createSleepService("steady", 3, ClusterFixture.sleepTag()).ok());
        await("3 tasks run").atMost(DEADLINE).until(() -> TaskView.running(m1.api, "steady").size() == 3);
        Set<String> tasks = runningTaskIds(m1.api);

        Map<String, Set<String>> presented = new TreeMap<>();
        cluster.nodes().forEach(n -> presented.put(n.name, new LinkedHashSet<>()));
        // three lifetimes, and every node seen presenting at least three certificates (renewed twice)
        await("three certificate lifetimes, every node renewing").atMost(LIFETIME.multipliedBy(3).plus(DEADLINE))
                .pollInterval(Duration.ofSeconds(2)).until(() -> {
                    for (AgentNode n : cluster.nodes()) {
                        assertTrue(n.alive() && n.pid() == pids.get(n.name), n + " was not restarted");
                        PresentedCertificate.serialAt(n.host.ip(), n.port, m1.dataDir).ifPresent(presented.get(n.name)::add);
                    }
                    assertEquals(tasks, runningTaskIds(m1.api), "the service's tasks run on, none replaced");
                    return Duration.between(shortened, Instant.now()).compareTo(LIFETIME.multipliedBy(3)) >= 0
                            && presented.values().stream().allMatch(serials -> serials.size() >= 3);
                });
        System.out.println("certificates presented per node: " + presented);

        // each node reports its certificate (docker node inspect: Description.TLSInfo)
        String trustRoot = m1.api.get("/swarm").at("/TLSInfo/TrustRoot").asText();
        await("node inspect shows each node's current certificate").atMost(DEADLINE).untilAsserted(() -> {
            for (AgentNode n : cluster.nodes()) {
                JsonNode tls = m1.api.get("/nodes/" + n.selfAsSeenBy(m1.api).id()).at("/Description/TLSInfo");
                assertEquals(trustRoot, tls.path("TrustRoot").asText(), n.name);
                assertTrue(!tls.path("CertIssuerSubject").asText().isEmpty() && !tls.path("CertIssuerPublicKey").asText().isEmpty(),
                        n.name + ": " + tls);
                Instant expiry = Instant.parse(tls.path("CertExpiry").asText());
                assertTrue(expiry.isAfter(Instant.now()) && expiry.isBefore(Instant.now().plus(LIFETIME).plusSeconds(5)),
                        n.name + "'s certificate expires within a lifetime: " + tls);
                assertEquals(PresentedCertificate.serialAt(n.host.ip(), n.port, m1.dataDir).orElseThrow(), tls.path("CertSerial").asText(),
                        n.name);
            }
        });

        // the workers' sessions to the manager were opened with the certificates they joined with,
        // long expired: after a manager restart they must reconnect with their renewed ones
        assertEquals(0, m1.stop(Duration.ofSeconds(30)), "a clean stop");
        m1.restart(ClusterFixture.AGENT_READY);
        cluster.awaitReady(List.of(m1, w1, w2), DEADLINE);
        await("the same tasks run after the restart").atMost(DEADLINE).until(() -> runningTaskIds(m1.api).equals(tasks));

        assertTrue(m1.api.createSleepService("after", 1, ClusterFixture.sleepTag()).ok(), "a write");
        OrchBinary.Result ls = OrchBinary.cli(m1.host.commandPrefix(), m1.apiPort(), "node", "ls");
        assertEquals(0, ls.exit(), ls.toString());
        for (String name : List.of("m1", "w1", "w2")) {
            assertTrue(ls.out().lines().anyMatch(l -> l.contains(name) && l.toLowerCase().contains("ready")), ls.out());
        }
    }

    private static Set<String> runningTaskIds(NodeApi api) {
        return TaskView.running(api, "steady").stream().map(TaskView::id).collect(Collectors.toSet());
    }
}
