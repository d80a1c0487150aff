package io.orch.agent.pki;

import io.grpc.ManagedChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.orch.agent.manager.MutableClock;
import io.orch.agent.pki.TlsEchoServer.Serials;
import io.orch.agent.renewal.CertificateRenewer;
import io.orch.api.concurrent.Backoff;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certificates of the default 90 days renewed on an injected clock: when (while 40-60% of the
 * lifetime remains), how a failed renewal is retried (with backoff, never sooner), and that a
 * renewed certificate is what a server and a client already running present on their next
 * connection.
 */
class CertificateRenewalTest {
    private static final Duration NINETY_DAYS = Duration.ofDays(90);
    private static final Backoff EXACT = Backoff.doublingExact(Duration.ofSeconds(1), Duration.ofMinutes(2));
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private static NodeCredentials issue(RootCa ca, String nodeId, NodeRole role) {
        NodeCsr csr = NodeCredentials.generateCsr();
        return csr.complete(ca.issue(csr.csrDer(), nodeId, role, List.of("127.0.0.1"), NINETY_DAYS), ca.certPem());
    }

    private static CertificateRenewer renewer(LiveCredentials live, CertificateRenewer.Renewal renewal, Clock clock, double draw) {
        return new CertificateRenewer(live, renewal, Optional::empty, clock, () -> draw, EXACT);
    }

    private static CertificateRenewer.Renewal failing(AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            throw new IOException("no manager answered");
        };
    }

    @Test
    void aNinetyDayCertificateIsRenewedWhile40To60PercentOfItsLifetimeRemains() {
        MutableClock clock = new MutableClock(T0);
        RootCa ca = RootCa.create("cluster1", clock);
        LiveCredentials live = LiveCredentials.of(issue(ca, "node1", NodeRole.WORKER));
        assertEquals(NINETY_DAYS, live.current().lifetime().length(), "the backdate is not counted as lifetime");
        AtomicInteger calls = new AtomicInteger();

        assertEquals(T0.plus(Duration.ofDays(36)), renewer(live, failing(calls), clock, 0.0).runOnce(), "54 days left");
        assertEquals(T0.plus(Duration.ofDays(45)), renewer(live, failing(calls), clock, 0.5).runOnce(), "45 days left");
        for (int i = 0; i < 200; i++) {
            double draw = ThreadLocalRandom.current().nextDouble();
            Instant at = renewer(live, failing(calls), clock, draw).runOnce();
            assertFalse(at.isBefore(T0.plus(Duration.ofDays(36))), draw + " -> " + at);
            assertTrue(at.isBefore(T0.plus(Duration.ofDays(54))), draw + " -> " + at);
        }

        CertificateRenewer renewer = renewer(live, failing(calls), clock, 0.5);
        clock.advance(Duration.ofDays(45).minusSeconds(1));
        assertEquals(T0.plus(Duration.ofDays(45)), renewer.runOnce());
        assertEquals(0, calls.get(), "nothing is renewed before its point");
    }

    @Test
    void aRootRotationMakesTheRenewerRenewAtOnceAndStopOnceTheCertificateIsOfTheNewKey() {
        MutableClock clock = new MutableClock(T0);
        RootCa old = RootCa.create("cluster1", clock);
        LiveCredentials live = LiveCredentials.of(issue(old, "node1", NodeRole.WORKER));
        io.orch.api.proto.Cluster cluster = io.orch.api.proto.Cluster.newBuilder().setId("cluster1").setRootCa(old.toProto()).build();
        ClusterCa rotating = ClusterCa.of(RootRotations.start(cluster, 1, clock), clock);
        io.orch.api.proto.TrustRoots trust = rotating.trustRoots();
        AtomicInteger calls = new AtomicInteger();
        // first a manager that has not seen the rotation yet answers (old key), then one that has
        CertificateRenewer.Renewal renewal = () -> {
            NodeCsr csr = NodeCredentials.generateCsr();
            NodeCredentials next = calls.incrementAndGet() == 1
                    ? csr.complete(old.issue(csr.csrDer(), "node1", NodeRole.WORKER, List.of(), NINETY_DAYS), old.certPem())
                    : csr.complete(rotating.issue(csr.csrDer(), "node1", NodeRole.WORKER, List.of(), NINETY_DAYS), rotating.trustedRootsPem());
            live.replace(next);
            return next;
        };
        CertificateRenewer renewer = renewer(live, renewal, clock, 0.5)
                .renewAtOnceWhen(held -> NodeTrust.needsRenewal(held, trust));

        assertEquals(clock.instant(), renewer.runOnce(), "renewed at once, 45 days before its point");
        assertEquals(1, calls.get());
        Instant retry = renewer.runOnce();
        assertTrue(retry.isAfter(clock.instant()), "a renewal that is still of the old key is asked again after a backoff, not at once");
        assertEquals(1, calls.get());
        clock.advance(Duration.between(clock.instant(), retry));
        assertEquals(clock.instant(), renewer.runOnce(), "renewed; the next look plans the new certificate");
        assertEquals(2, calls.get());
        assertFalse(NodeTrust.needsRenewal(live.current(), trust));
        assertEquals(2, live.current().trustedRoots().size(), "both roots trusted during the rotation");
        assertEquals(clock.instant().plus(Duration.ofDays(45)), renewer.runOnce(), "of the new key: its normal point");
        assertEquals(2, calls.get());
    }

    @Test
    void aFailedRenewalIsRetriedWithBackoffAndTheNewCertificateGetsItsOwnPoint() {
        MutableClock clock = new MutableClock(T0);
        RootCa ca = RootCa.create("cluster1", clock);
        LiveCredentials live = LiveCredentials.of(issue(ca, "node1", NodeRole.WORKER));
        String first = live.current().serial();
        AtomicInteger calls = new AtomicInteger();
        CertificateRenewer renewer = renewer(live, () -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IOException("no manager answered");
            }
            live.replace(issue(ca, "node1", NodeRole.WORKER));
            return live.current();
        }, clock, 0.5);

        Instant point = renewer.runOnce();
        clock.advance(Duration.between(T0, point));
        Instant now = clock.instant();
        assertEquals(now.plusSeconds(1), renewer.runOnce(), "first retry after 1 s");
        assertEquals(1, calls.get());
        clock.advance(Duration.ofMillis(999));
        assertEquals(now.plusSeconds(1), renewer.runOnce(), "not before the backoff is over");
        assertEquals(1, calls.get());

        clock.advance(Duration.ofMillis(1));
        assertEquals(clock.instant().plusSeconds(2), renewer.runOnce(), "the second retry waits twice as long");
        assertEquals(2, calls.get());

        clock.advance(Duration.ofSeconds(2));
        renewer.runOnce();
        assertEquals(3, calls.get());
        assertNotEquals(first, live.current().serial(), "renewed");
        Instant issued = clock.instant();
        assertEquals(issued.plus(Duration.ofDays(45)), renewer.runOnce(), "the new certificate's own point, no backoff left");
        assertEquals(3, calls.get());
    }

    @Test
    void retriesNeverWaitMoreThanATenthOfTheCertificatesLifetime() {
        MutableClock clock = new MutableClock(T0);
        RootCa ca = RootCa.create("cluster1", clock);
        NodeCsr csr = NodeCredentials.generateCsr();
        LiveCredentials live = LiveCredentials.of(csr.complete(ca.issue(csr.csrDer(), "node1", NodeRole.WORKER, List.of(),
                Duration.ofMinutes(1)), ca.certPem()));
        AtomicInteger calls = new AtomicInteger();
        CertificateRenewer renewer = renewer(live, failing(calls), clock, 0.5);
        clock.advance(Duration.between(T0, renewer.runOnce()));
        Duration wait = Duration.ZERO;
        for (int i = 0; i < 10; i++) { // 1, 2, 4, ... 512 s without the cap
            Instant now = clock.instant();
            wait = Duration.between(now, renewer.runOnce());
            clock.advance(wait);
        }
        assertEquals(10, calls.get());
        assertEquals(Duration.ofSeconds(6), wait, "a one-minute certificate is retried every 6 s at most");
    }

    @Test
    void aRenewedCertificateIsPresentedByARunningServerAndClientFromTheirNextConnection() throws Exception {
        // issued 55 of their 90 days ago: past their renewal point (45 days with this draw) when the test runs
        RootCa ca = RootCa.create("cluster1", Clock.offset(Clock.systemUTC(), Duration.ofDays(-60)));
        RootCa caThen = RootCa.fromPem(ca.certPem(), ca.keyPem(), Clock.offset(Clock.systemUTC(), Duration.ofDays(-55)));
        RootCa caNow = RootCa.fromPem(ca.certPem(), ca.keyPem(), Clock.systemUTC());
        LiveCredentials manager = LiveCredentials.of(issue(caThen, "manager1", NodeRole.MANAGER));
        LiveCredentials worker = LiveCredentials.of(issue(caThen, "worker1", NodeRole.WORKER));
        String managerBefore = manager.current().serial();
        String workerBefore = worker.current().serial();

        try (TlsEchoServer server = new TlsEchoServer(manager.serverContext(ClientAuth.REQUIRE))) {
            SslContext client = worker.clientContext(NodeRole.MANAGER);
            ManagedChannel early = server.channel(client);
            try {
                assertEquals(new Serials(managerBefore, workerBefore), TlsEchoServer.serials(early));

                renewNow(manager, caNow);
                assertNotEquals(managerBefore, manager.current().serial());
                assertEquals(new Serials(manager.current().serial(), workerBefore), serialsOfANewConnection(server, client),
                        "the server presents its new certificate, though the client had a session with the old one");

                renewNow(worker, caNow);
                assertNotEquals(workerBefore, worker.current().serial());
                assertEquals(new Serials(manager.current().serial(), worker.current().serial()),
                        serialsOfANewConnection(server, client), "and so does the client");

                assertEquals(new Serials(managerBefore, workerBefore), TlsEchoServer.serials(early),
                        "the connection made before goes on with the old ones");
            } finally {
                early.shutdownNow();
            }
        }
    }

    /** Runs a renewer once on the real clock: the certificate is past its point, so it renews through {@code ca}. */
    private static void renewNow(LiveCredentials live, RootCa ca) {
        AtomicInteger calls = new AtomicInteger();
        renewer(live, () -> {
            calls.incrementAndGet();
            live.replace(issue(ca, live.current().nodeId(), live.current().role()));
            return live.current();
        }, Clock.systemUTC(), 0.5).runOnce();
        assertEquals(1, calls.get(), "due for renewal");
    }

    private static Serials serialsOfANewConnection(TlsEchoServer server, SslContext client) {
        ManagedChannel channel = server.channel(client);
        try {
            return TlsEchoServer.serials(channel);
        } finally {
            channel.shutdownNow();
        }
    }
}
