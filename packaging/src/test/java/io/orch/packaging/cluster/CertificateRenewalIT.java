package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.packaging.cluster.ClusterFixture.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
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
 * working across their lifetimes. First, two lifetimes running: every node renews again and
 * again and its listener presents each new certificate to new connections, with no agent
 * restarted and no task replaced; the manager's own certificate, issued for 90 days before the
 * expiry was shortened, renews within the new lifetime. Then the manager stops until every
 * node's certificate has expired (the workers cannot renew without it): restarted, the manager
 * issues itself a new one from its replica of the CA, the workers prove they hold their expired
 * certificates' keys to get theirs, and a write and {@code node ls} work.
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
    void nodesRenewTheirCertificatesAndGetBackInAfterTheyExpired() throws Exception {
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
        await("two certificate lifetimes, every node renewing").atMost(LIFETIME.multipliedBy(2).plus(DEADLINE))
                .pollInterval(Duration.ofSeconds(2)).until(() -> {
                    for (AgentNode n : cluster.nodes()) {
                        assertTrue(n.alive() && n.pid() == pids.get(n.name), n + " was not restarted");
                        presentedBy(n, m1).ifPresent(c -> presented.get(n.name).add(serial(c)));
                    }
                    assertEquals(tasks, runningTaskIds(m1.api), "the service's tasks run on, none replaced");
                    return Duration.between(shortened, Instant.now()).compareTo(LIFETIME.multipliedBy(2)) >= 0
                            && presented.values().stream().allMatch(serials -> serials.size() >= 3); // renewed twice
                });
        System.out.println("certificates presented per node: " + presented);

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
                assertEquals(presentedBy(n, m1).map(CertificateRenewalIT::serial).orElseThrow(), tls.path("CertSerial").asText(),
                        n.name);
            }
        });

        assertEquals(0, m1.stop(Duration.ofSeconds(30)), "a clean stop");
        await("every node's certificate expired while the manager is away").atMost(LIFETIME.plus(DEADLINE))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> cluster.nodes().stream().allMatch(n -> saved(n).getNotAfter().toInstant().isBefore(Instant.now())));
        Map<String, String> expired = cluster.nodes().stream().collect(Collectors.toMap(n -> n.name, n -> serial(saved(n))));
        m1.restart(ClusterFixture.AGENT_READY);
        await("every node presents a valid certificate again").atMost(DEADLINE).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    for (AgentNode n : cluster.nodes()) {
                        X509Certificate now = presentedBy(n, m1).orElseThrow(() -> new AssertionError(n + " presents none"));
                        assertTrue(!serial(now).equals(expired.get(n.name)) && now.getNotAfter().toInstant().isAfter(Instant.now()),
                                n.name + " presents " + serial(now) + " valid until " + now.getNotAfter());
                    }
                });
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        await("the same tasks run after the manager's restart").atMost(DEADLINE).until(() -> runningTaskIds(m1.api).equals(tasks));

        assertTrue(m1.api.createSleepService("after", 1, ClusterFixture.sleepTag()).ok(), "a write");
        OrchBinary.Result ls = OrchBinary.cli(m1.host.commandPrefix(), m1.apiPort(), "node", "ls");
        assertEquals(0, ls.exit(), ls.toString());
        for (String name : List.of("m1", "w1", "w2")) {
            assertTrue(ls.out().lines().anyMatch(l -> l.contains(name) && l.toLowerCase().contains("ready")), ls.out());
        }
    }

    /** What {@code n}'s RPC listener presents to a new connection (the probe shows {@code as}'s certificate). */
    private static java.util.Optional<X509Certificate> presentedBy(AgentNode n, AgentNode as) {
        return PresentedCertificate.at(n.host.ip(), n.port, as.dataDir);
    }

    /** The certificate {@code n} saved in its data directory. */
    private static X509Certificate saved(AgentNode n) {
        try (InputStream in = Files.newInputStream(n.dataDir.resolve("certificates/node.crt"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(n + "'s saved certificate is unreadable", e);
        }
    }

    private static String serial(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16);
    }

    private static Set<String> runningTaskIds(NodeApi api) {
        return TaskView.running(api, "steady").stream().map(TaskView::id).collect(Collectors.toSet());
    }
}
