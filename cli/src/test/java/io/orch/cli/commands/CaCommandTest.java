package io.orch.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.cli.progress.RootRotationProgress;
import io.orch.cli.testing.CliRun;
import io.orch.cli.testing.Fixtures;
import io.orch.cli.testing.RecordedRequest;
import io.orch.cli.testing.StubResponse;
import io.orch.cli.testing.UnixStubServer;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code orch ca [--rotate]}: docker swarm ca's requests, its wait for the rotation, and its refusals. */
class CaCommandTest {
    private static final String OLD = "-----BEGIN CERTIFICATE-----\nOLD\n-----END CERTIFICATE-----\n";
    private static final String NEW = "-----BEGIN CERTIFICATE-----\nNEW\n-----END CERTIFICATE-----\n";

    /** 0: before; 1: rotating, no node moved; 2: rotating, both certificates moved; 3: finished, one node still trusts both; 4: done. */
    private final AtomicInteger stage = new AtomicInteger();
    private UnixStubServer agent;

    private static String tls(String root, String key) {
        return "{\"TrustRoot\":" + Fixtures.JSON.valueToTree(root) + ",\"CertIssuerSubject\":\"c3Vi\",\"CertIssuerPublicKey\":\"" + key + "\"}";
    }

    private String swarm() {
        int s = stage.get();
        String root = s == 0 ? OLD : NEW;
        return "{\"ID\":\"c1\",\"Version\":{\"Index\":" + (7 + s) + "},\"Spec\":{\"Name\":\"default\",\"CAConfig\":{\"NodeCertExpiry\":1,\"ForceRotate\":3}},"
                + "\"TLSInfo\":" + tls(root, s == 0 ? "b2xk" : "bmV3") + ",\"RootRotationInProgress\":" + (s == 1 || s == 2) + "}";
    }

    private String nodes() {
        int s = stage.getAndUpdate(x -> x >= 1 && x < 4 ? x + 1 : x);
        String a = s <= 1 ? tls(OLD, "b2xk") : s == 2 ? tls(OLD + NEW, "bmV3") : tls(NEW, "bmV3");
        String b = s <= 1 ? tls(OLD, "b2xk") : s <= 3 ? tls(OLD + NEW, "bmV3") : tls(NEW, "bmV3");
        return "[{\"ID\":\"a\",\"Description\":{\"TLSInfo\":" + a + "}},{\"ID\":\"b\",\"Description\":{\"TLSInfo\":" + b + "}}]";
    }

    @BeforeEach
    void start() throws IOException {
        agent = new UnixStubServer(r -> {
            String t = r.decodedTarget();
            if (r.method().equals("GET") && t.equals("/v1.47/swarm")) return StubResponse.ok(swarm());
            if (r.method().equals("GET") && t.equals("/v1.47/nodes")) return StubResponse.ok(nodes());
            if (r.method().equals("POST") && t.startsWith("/v1.47/swarm/update")) {
                stage.set(1);
                return StubResponse.ok("");
            }
            return StubResponse.error(404, "page not found: " + r.method() + " " + t);
        });
    }

    @AfterEach
    void stop() throws IOException {
        agent.close();
    }

    @Test
    void withoutRotatePrintsTheRootCertificateAndChangesNothing() {
        CliRun r = CliRun.run("-H", agent.url(), "ca");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(OLD, r.out());
        assertTrue(agent.requests().stream().noneMatch(q -> q.method().equals("POST")));
    }

    @Test
    void rotateIncrementsForceRotateAtTheReadVersionWaitsUntilEveryNodeMovedThenPrintsTheNewRoot() throws IOException {
        CliRun r = CliRun.run("-H", agent.url(), "ca", "--rotate");
        assertEquals(0, r.exitCode(), r.toString());
        RecordedRequest post = agent.requests().stream().filter(q -> q.method().equals("POST")).findFirst().orElseThrow();
        assertEquals("POST /v1.47/swarm/update?version=7", post.toString());
        JsonNode spec = Fixtures.JSON.readTree(post.bodyText());
        assertEquals(4, spec.at("/CAConfig/ForceRotate").asLong(), "incremented, as docker swarm ca --rotate does");
        assertEquals(1, spec.at("/CAConfig/NodeCertExpiry").asLong(), "the rest of the spec sent back unchanged");
        assertTrue(r.out().contains("rotated TLS certificates: 0/2 nodes, rotated CA certificates: 0/2 nodes\n"), r.out());
        assertTrue(r.out().contains("rotated TLS certificates: 2/2 nodes, rotated CA certificates: 0/2 nodes\n"), r.out());
        assertTrue(r.out().contains("rotated TLS certificates: 2/2 nodes, rotated CA certificates: 2/2 nodes\n"), r.out());
        assertTrue(r.out().endsWith(NEW), r.out());
    }

    @Test
    void detachReturnsOnceTheRotationStarted() {
        CliRun r = CliRun.run("-H", agent.url(), "ca", "--rotate", "-d", "-q");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertEquals(1, agent.requests().stream().filter(q -> q.method().equals("POST")).count());
        assertTrue(agent.requests().stream().noneMatch(q -> q.toString().contains("/nodes")), "no waiting");
    }

    @Test
    void aRootCaOfOnesOwnOrAnExternalCaIsRefusedWithOneLineAndNothingSent() {
        for (String[] flags : new String[][] {{"--ca-cert", "ca.pem"}, {"--ca-key", "key.pem"}, {"--external-ca", "protocol=cfssl,url=https://x"}}) {
            CliRun r = CliRun.run("-H", agent.url(), "ca", "--rotate", flags[0], flags[1]);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().startsWith("Error: " + flags[0] + " is not supported"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        CliRun r = CliRun.run("-H", agent.url(), "ca", "--detach");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(agent.requests().isEmpty(), "nothing sent");
    }

    @Test
    void progressCountsAsDockerDoes() throws IOException {
        JsonNode swarm = Fixtures.JSON.readTree("{\"TLSInfo\":" + tls(NEW, "bmV3") + ",\"RootRotationInProgress\":true}");
        JsonNode nodes = Fixtures.JSON.readTree("[{\"Description\":{\"TLSInfo\":" + tls(OLD + NEW, "bmV3") + "}},"
                + "{\"Description\":{\"TLSInfo\":" + tls(OLD, "b2xk") + "}}]");
        RootRotationProgress p = RootRotationProgress.of(swarm, nodes);
        assertEquals(1, p.certsRotated());
        assertEquals(2, p.total());
        assertEquals(0, p.rootsShown());
        assertFalse(p.done());
    }
}
