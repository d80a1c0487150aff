package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.orch.agent.pki.JoinToken;
import io.orch.agent.pki.RootCa;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.JoinTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /swarm/update?rotateWorkerToken=true|rotateManagerToken=true} (docker swarm join-token
 * --rotate), and what GET /swarm and /info show of the cluster's PKI: the CA certificate, never its
 * key or the gossip key.
 */
class SwarmTokenRotationTest {
    private final ApiFixture api = new ApiFixture();
    private RootCa ca;
    private byte[] gossipKey;

    @BeforeEach
    void clusterWithPki() {
        ca = RootCa.create("c1usterid0000000000000000");
        gossipKey = new byte[32];
        new java.security.SecureRandom().nextBytes(gossipKey);
        Cluster current = cluster();
        api.write(tx -> tx.update(current.toBuilder()
                .setRootCa(ca.toProto())
                .setGossipKey(ByteString.copyFrom(gossipKey))
                .setJoinTokens(JoinTokens.newBuilder()
                        .setWorker(JoinToken.generate(ca).value())
                        .setManager(JoinToken.generate(ca).value()))
                .build()));
    }

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private Cluster cluster() {
        return api.store.read(tx -> tx.cluster()).orElseThrow();
    }

    @Test
    void rotatingTheWorkerTokenGivesItANewSecretAndKeepsTheManagerToken() {
        Cluster before = cluster();
        JoinToken oldWorker = JoinToken.parse(before.getJoinTokens().getWorker());
        ApiFixture.Reply r = api.post("/v1.47/swarm/update?rotateManagerToken=false&rotateManagerUnlockKey=false"
                + "&rotateWorkerToken=true&version=" + before.getVersion().getIndex(), "{\"Name\": \"default\"}");
        assertEquals(200, r.status(), r.body());

        Cluster after = cluster();
        JoinToken newWorker = JoinToken.parse(after.getJoinTokens().getWorker());
        assertEquals(ca.digest(), newWorker.caDigest(), "same CA");
        assertNotEquals(oldWorker.value(), newWorker.value());
        assertFalse(oldWorker.secretMatches(after.getJoinTokens().getWorker()), "the old worker token no longer admits anyone");
        assertEquals(before.getJoinTokens().getManager(), after.getJoinTokens().getManager());
        assertEquals(before.getRootCa(), after.getRootCa());
        assertEquals(after.getJoinTokens().getWorker(), api.get("/v1.47/swarm").json().at("/JoinTokens/Worker").asText());
    }

    @Test
    void rotatingTheManagerTokenKeepsTheWorkerToken() {
        Cluster before = cluster();
        ApiFixture.Reply r = api.post("/swarm/update?rotateManagerToken=true&version=" + before.getVersion().getIndex(), "{\"Name\": \"default\"}");
        assertEquals(200, r.status(), r.body());
        Cluster after = cluster();
        assertNotEquals(before.getJoinTokens().getManager(), after.getJoinTokens().getManager());
        assertEquals(ca.digest(), JoinToken.parse(after.getJoinTokens().getManager()).caDigest());
        assertEquals(before.getJoinTokens().getWorker(), after.getJoinTokens().getWorker());
    }

    @Test
    void aStaleVersionRotatesNothing() {
        Cluster before = cluster();
        ApiFixture.Reply r = api.post("/swarm/update?rotateWorkerToken=true&version=" + (before.getVersion().getIndex() + 50), "{\"Name\": \"default\"}");
        assertEquals(409, r.status());
        assertEquals(before, cluster());
    }

    @Test
    void theApiShowsTheCaCertificateButNeverTheCaKeyOrTheGossipKey() {
        String swarm = api.get("/v1.47/swarm").body();
        String info = api.get("/v1.47/info").body();
        String keyBody = ca.keyPem().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        String gossip = Base64.getEncoder().encodeToString(gossipKey);
        for (String body : new String[] {swarm, info}) {
            assertFalse(body.contains("PRIVATE KEY"), body);
            assertFalse(body.contains(keyBody.substring(0, 16)), body);
            assertFalse(body.contains(gossip), body);
            assertFalse(body.contains("GossipKey") || body.contains("RootCa") || body.contains("CaKeyPem"), body);
        }
        JsonNode json = api.get("/v1.47/swarm").json();
        assertEquals(ca.certPem(), json.at("/TLSInfo/TrustRoot").asText());
        assertTrue(json.at("/TLSInfo/CertIssuerPublicKey").asText().length() > 0);
        assertEquals(ca.certPem(), api.get("/v1.47/info").json().at("/Swarm/Cluster/TLSInfo/TrustRoot").asText());
        assertTrue(api.get("/v1.47/info").json().at("/Swarm/Cluster/JoinTokens").isMissingNode(), "info has no join tokens");
    }
}
