package io.orch.packaging.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.orch.packaging.cluster.ClusterFixture.Role;
import io.orch.packaging.cluster.PeerRpcProbe.Kind;
import io.orch.packaging.cluster.PeerRpcProbe.Outcome;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A removed node's certificate, and a demoted manager's manager certificate, as saved in their
 * data directories, are refused by the other nodes within a second of the API's answer: on new
 * connections (dispatcher, Renew and node logs on the node RPC listeners, the Raft transport) and
 * on connections established before (a dispatcher session, a node-logs channel, a Raft
 * connection). The demoted manager still renews its manager certificate into a worker one; the
 * removed node gets nothing. Every refusal is preceded by the same call being served, and a call
 * with a certificate that was not revoked is served after, so a dead listener is never taken for
 * a refusal. The times from the API's answer to the first refusal are printed.
 */
class RevokedCertificatesIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60); // a deadline, not a goal
    private static final Duration AT_ONCE = Duration.ofSeconds(1);
    private static final Duration PATIENCE = Duration.ofSeconds(15); // how long a late refusal is waited for, to report its time
    private ClusterFixture cluster;
    private final Map<String, Duration> refusedAfter = new ConcurrentSkipListMap<>();

    @RegisterExtension
    final KeepRunOnFailure keepRunOnFailure = new KeepRunOnFailure(() -> cluster);

    @AfterEach
    void stop() {
        System.out.println("time from the API's answer to the first refusal: " + refusedAfter);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void removedAndDemotedNodesCertificatesAreRefusedByEveryRpcAtOnce() throws Exception {
        cluster = new ClusterFixture("revoked", new PortBlocks(27300, 27400, true));
        AgentNode m1 = cluster.init("m1", NodeHost.LOOPBACK);
        AgentNode m2 = cluster.join("m2", Role.MANAGER, NodeHost.LOOPBACK);
        AgentNode w1 = cluster.join("w1", Role.WORKER, NodeHost.LOOPBACK);
        AgentNode w2 = cluster.join("w2", Role.WORKER, NodeHost.LOOPBACK);
        cluster.awaitReady(cluster.nodes(), DEADLINE);
        SavedNodeCertificate m1Cert = SavedNodeCertificate.of(m1);
        SavedNodeCertificate m2Cert = SavedNodeCertificate.of(m2);
        assertEquals("swarm-manager", m2Cert.ou());
        int m1Raft = PortBlocks.raft(m1.port);

        // ---- node rm: w2 stops, its saved worker certificate is all that is left of it
        String w2Id = m1.api.node("w2").orElseThrow().id();
        assertEquals(0, w2.stop(Duration.ofSeconds(30)), "w2 stops cleanly");
        SavedNodeCertificate w2Cert = SavedNodeCertificate.of(w2);
        assertEquals("swarm-worker", w2Cert.ou());
        for (AgentNode manager : new AgentNode[] {m1, m2}) {
            assertServed(PeerRpcProbe.dispatcher(w2Cert, manager), "w2's dispatcher session on " + manager.name + " before");
        }
        assertServed(PeerRpcProbe.nodeLogs(m1Cert, w1), "m1's node-logs call on w1");
        ByteString csr = PeerRpcProbe.csr();
        ManagedChannel w2ToM2 = PeerRpcProbe.channel(w2Cert, m2);
        try (PeerRpcProbe.HeldSession held = PeerRpcProbe.HeldSession.open(w2ToM2)) {
            assertServed(held.firstAnswer(), "a session w2's certificate opens on m2 before its removal");

            NodeApi.Reply rm = m1.api.call("DELETE", "/nodes/" + w2Id + "?force=1", null);
            long removedAt = System.nanoTime();
            assertTrue(rm.ok(), "node rm --force w2: " + rm);
            // a new session on m2 only once the one held there ended: a new session of the same node
            // that m2 served before applying the removal would replace it
            awaitAllRefused(removedAt, Map.of(
                    "w2 established dispatcher session m2", () -> held.endedWith()
                            .map(RevokedCertificatesIT::cutByRevocation).orElse(new Outcome(Kind.SERVED, "still open")),
                    "w2 dispatcher m1", () -> PeerRpcProbe.dispatcher(w2Cert, m1),
                    "w2 renew m1", () -> PeerRpcProbe.renew(w2Cert, m1, csr).outcome(),
                    "w2 node logs w1", () -> PeerRpcProbe.nodeLogs(w2Cert, w1),
                    // a worker's certificate never was served by Raft: no news, but it must stay so
                    "w2 raft m1", () -> Http2CallProbe.once(w2Cert, m1.host.ip(), m1Raft),
                    "w2 dispatcher m2", () -> held.endedWith().isPresent() ? PeerRpcProbe.dispatcher(w2Cert, m2)
                            : new Outcome(Kind.OTHER, "not probed while the held session is open")));
        } finally {
            PeerRpcProbe.close(w2ToM2);
        }
        assertServed(PeerRpcProbe.nodeLogs(m1Cert, w1), "m1's node-logs call on w1 (not revoked)");

        // ---- node demote: m2's manager certificate, saved before, on connections old and new
        assertServed(PeerRpcProbe.nodeLogs(m2Cert, w1), "m2's node-logs call on w1 before its demotion");
        assertServed(Http2CallProbe.once(m2Cert, m1.host.ip(), m1Raft), "m2's call on m1's Raft port before");
        ManagedChannel m2ToW1 = PeerRpcProbe.channel(m2Cert, w1);
        try (Http2CallProbe raftHeld = Http2CallProbe.connect(m2Cert, m1.host.ip(), m1Raft)) {
            assertServed(PeerRpcProbe.nodeLogs(m2ToW1), "a node-logs channel of m2's certificate to w1 before");
            assertServed(raftHeld.call(), "a Raft connection of m2's certificate to m1 before");

            NodeApi.Reply demote = demote(m1.api, "m2");
            long demotedAt = System.nanoTime();
            assertTrue(demote.ok(), "node demote m2: " + demote);
            awaitAllRefused(demotedAt, Map.of(
                    "m2 node logs w1", () -> PeerRpcProbe.nodeLogs(m2Cert, w1),
                    "m2 established node-logs channel w1", () -> cutOrRefused(PeerRpcProbe.nodeLogs(m2ToW1)),
                    "m2 raft m1", () -> Http2CallProbe.once(m2Cert, m1.host.ip(), m1Raft),
                    // an established connection that stops answering is as cut as one that is closed
                    "m2 established raft m1", () -> {
                        Outcome o = raftHeld.call();
                        return o.served() ? o : new Outcome(Kind.REFUSED, "no longer served: " + o.detail(), o.atNanos());
                    }));
        } finally {
            PeerRpcProbe.close(m2ToW1);
        }

        // the demoted manager's certificate still gets it the worker certificate it needs
        AtomicReference<PeerRpcProbe.Renewal> renewal = new AtomicReference<>();
        await("m2's manager certificate renews into a worker one").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    renewal.set(PeerRpcProbe.renew(m2Cert, m1, csr));
                    return renewal.get().outcome().served();
                });
        assertEquals("swarm-worker", SavedNodeCertificate.ouOf(renewal.get().issued()), renewal.get().outcome().toString());
        await("m2 is a ready worker with a worker certificate").atMost(DEADLINE).until(() -> {
            ClusterNodeView v = m1.api.node("m2").orElseThrow();
            return v.role().equals("worker") && v.ready() && SavedNodeCertificate.of(m2).ou().equals("swarm-worker");
        });
        assertServed(PeerRpcProbe.nodeLogs(m1Cert, w1), "m1's node-logs call on w1 (not revoked)");
        assertTrue(m1.api.createSleepService("after", 0, "1").ok(), "the remaining manager writes");

        for (Map.Entry<String, Duration> e : refusedAfter.entrySet()) {
            assertTrue(e.getValue().compareTo(AT_ONCE) <= 0, e.getKey() + " was refused only after " + e.getValue().toMillis()
                    + " ms (all: " + refusedAfter + ")");
        }
    }

    /**
     * Probes each until refused, all at once, noting how long after {@code sinceNanos} each was
     * first refused (the test checks the second at the end, so that every time is reported).
     */
    private void awaitAllRefused(long sinceNanos, Map<String, Supplier<Outcome>> probes) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(probes.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            probes.forEach((what, probe) -> running.add(pool.submit(() -> awaitRefused(what, sinceNanos, probe))));
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void awaitRefused(String what, long sinceNanos, Supplier<Outcome> probe) {
        Set<String> seen = Collections.synchronizedSet(new LinkedHashSet<>());
        try {
            await(what + " is refused").atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        Outcome o = probe.get();
                        if (o.refused()) {
                            refusedAfter.putIfAbsent(what, Duration.ofNanos(o.atNanos() - sinceNanos));
                            System.out.println(what + ": " + o + (seen.isEmpty() ? "" : "; before: " + seen));
                        } else if (!Thread.currentThread().isInterrupted() && seen.size() < 8) {
                            seen.add(o.toString());
                        }
                        return o.refused();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + " was not refused within " + PATIENCE.toSeconds() + " s; answers: " + seen, e);
        }
    }

    /**
     * How an established session ended: refused if it names the revocation, failed its TLS, or
     * lost its connection; anything else (a heartbeat missed, a newer session of the node, the
     * removed node no longer a member) is the dispatcher's own doing, not the revocation's.
     */
    private static Outcome cutByRevocation(Outcome ended) {
        boolean connectionLost = ended.detail().startsWith("UNAVAILABLE") && !ended.detail().contains("heartbeat");
        return ended.refused() || connectionLost ? new Outcome(Kind.REFUSED, "ended: " + ended.detail(), ended.atNanos())
                : new Outcome(Kind.OTHER, "ended otherwise: " + ended.detail(), ended.atNanos());
    }

    /** A call on an established channel: its connection lost (the revocation closed it) counts as refused. */
    private static Outcome cutOrRefused(Outcome o) {
        return o.kind() == Kind.OTHER && o.detail().startsWith("UNAVAILABLE")
                ? new Outcome(Kind.REFUSED, "connection cut: " + o.detail(), o.atNanos()) : o;
    }

    private static void assertServed(Outcome outcome, String what) {
        assertTrue(outcome.served(), what + " is served: " + outcome);
    }

    /** {@code docker node demote}: the node's spec with Role worker, at its current version. */
    private static NodeApi.Reply demote(NodeApi api, String hostname) {
        JsonNode node = api.get("/nodes/" + api.node(hostname).orElseThrow().id());
        ObjectNode spec = ((ObjectNode) node.path("Spec")).put("Role", "worker");
        return api.call("POST", "/nodes/" + node.path("ID").asText() + "/update?version=" + node.at("/Version/Index").asLong(),
                spec.toString());
    }
}
