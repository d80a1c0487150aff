package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /swarm/update}: Docker's ClusterSpec, version-checked, plus orch's SchedulerStrategy. */
class SwarmUpdateRoutesTest {
    private final ApiFixture api = new ApiFixture();

    @AfterEach
    void close() throws Exception {
        api.close();
    }

    private Cluster cluster() {
        return api.store.read(tx -> tx.cluster()).orElseThrow();
    }

    @Test
    void setsTheSchedulerStrategyAndShowsItInInspect() {
        long version = cluster().getVersion().getIndex();
        ApiFixture.Reply ok = api.post("/v1.47/swarm/update?version=" + version,
                "{\"Name\": \"default\", \"SchedulerStrategy\": \"binpack\"}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(ClusterSpec.SchedulerStrategy.BINPACK, cluster().getSpec().getSchedulerStrategy());
        JsonNode swarm = api.get("/v1.47/swarm").json();
        assertEquals("binpack", swarm.at("/Spec/SchedulerStrategy").asText());
        assertTrue(cluster().getVersion().getIndex() > version);
    }

    @Test
    void aSpecWithoutTheFieldKeepsTheStrategy() {
        api.post("/swarm/update?version=" + cluster().getVersion().getIndex(), "{\"Name\": \"default\", \"SchedulerStrategy\": \"binpack\"}");
        ApiFixture.Reply ok = api.post("/swarm/update?version=" + cluster().getVersion().getIndex(),
                "{\"Name\": \"default\", \"Orchestration\": {\"TaskHistoryRetentionLimit\": 3}}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(ClusterSpec.SchedulerStrategy.BINPACK, cluster().getSpec().getSchedulerStrategy(), "what docker swarm update sends");
        assertEquals(3, cluster().getSpec().getOrchestration().getTaskHistoryRetentionLimit());
    }

    @Test
    void badInputChangesNothing() {
        Cluster before = cluster();
        long version = before.getVersion().getIndex();
        ApiFixture.Reply badValue = api.post("/swarm/update?version=" + version, "{\"SchedulerStrategy\": \"random\"}");
        assertEquals(400, badValue.status());
        assertTrue(badValue.message().startsWith("invalid ClusterSpec: SchedulerStrategy: invalid value \"random\""), badValue.message());
        ApiFixture.Reply stale = api.post("/swarm/update?version=" + (version + 100), "{\"SchedulerStrategy\": \"binpack\"}");
        assertEquals(409, stale.status());
        assertEquals("update out of sequence", stale.message());
        assertEquals(400, api.post("/swarm/update", "{}").status(), "version is required");
        ApiFixture.Reply rotate = api.post("/swarm/update?version=" + version + "&rotateManagerUnlockKey=true", "{}");
        assertEquals(400, rotate.status(), "without autolock there is no unlock key to rotate");
        assertTrue(rotate.message().startsWith("rotateManagerUnlockKey: the swarm is not autolocked"), rotate.message());
        assertEquals(before, cluster());
    }

    /**
     * What docker CLI 28 sends for {@code docker swarm update --task-history-limit 7}: the spec GET
     * showed, re-marshalled by its Go types (LogEntriesForSlowFollowers 0 is omitempty there, and
     * SchedulerStrategy, unknown to it, is dropped), with the one flag applied.
     */
    static String cliUpdateBody(JsonNode shownSpec, int historyLimit) {
        JsonNode raft = shownSpec.get("Raft");
        return "{\"Name\":\"" + shownSpec.get("Name").asText() + "\",\"Labels\":{},"
                + "\"Orchestration\":{\"TaskHistoryRetentionLimit\":" + historyLimit + "},"
                + "\"Raft\":{\"SnapshotInterval\":" + raft.get("SnapshotInterval") + ",\"KeepOldSnapshots\":"
                + raft.get("KeepOldSnapshots") + ",\"ElectionTick\":" + raft.get("ElectionTick") + ",\"HeartbeatTick\":"
                + raft.get("HeartbeatTick") + "},"
                + "\"Dispatcher\":" + shownSpec.get("Dispatcher") + ","
                + "\"CAConfig\":{\"NodeCertExpiry\":" + shownSpec.at("/CAConfig/NodeCertExpiry") + "},"
                + "\"TaskDefaults\":{},\"EncryptionConfig\":{\"AutoLockManagers\":"
                + shownSpec.at("/EncryptionConfig/AutoLockManagers").asBoolean() + "}}";
    }

    @Test
    void inspectShowsTheRaftAndCaSettingsOrchRunsWith() {
        JsonNode spec = api.get("/v1.47/swarm").json().get("Spec");
        assertEquals(10_000, spec.at("/Raft/SnapshotInterval").asLong());
        assertEquals(1, spec.at("/Raft/KeepOldSnapshots").asLong(), "Ratis keeps 2 snapshot files: the current one and 1 old");
        assertTrue(spec.at("/Raft/LogEntriesForSlowFollowers").isNumber(), spec.toString());
        assertEquals(2, spec.at("/Raft/ElectionTick").asInt());
        assertEquals(1, spec.at("/Raft/HeartbeatTick").asInt());
        assertEquals(java.time.Duration.ofDays(90).toNanos(), spec.at("/CAConfig/NodeCertExpiry").asLong());
        assertTrue(spec.at("/EncryptionConfig/AutoLockManagers").isBoolean(), spec.toString());
        assertFalse(spec.at("/EncryptionConfig/AutoLockManagers").asBoolean());
        assertTrue(spec.at("/TaskDefaults").isObject() && spec.at("/TaskDefaults").isEmpty(), spec.toString());
        assertFalse(api.get("/v1.47/swarm").json().get("RootRotationInProgress").asBoolean(true));
    }

    @Test
    void anIncrementedForceRotateStartsARootRotationWithNewTokensAndShowsTheNewRoot() {
        JsonNode before = api.get("/v1.47/swarm").json();
        assertFalse(before.get("RootRotationInProgress").asBoolean(true));
        String oldRoot = before.at("/TLSInfo/TrustRoot").asText();
        String oldWorkerToken = before.at("/JoinTokens/Worker").asText();
        long version = cluster().getVersion().getIndex();
        ApiFixture.Reply ok = api.post("/v1.47/swarm/update?version=" + version,
                "{\"Name\": \"default\", \"CAConfig\": {\"ForceRotate\": 1}}");
        assertEquals(200, ok.status(), ok.body());

        JsonNode during = api.get("/v1.47/swarm").json();
        assertTrue(during.get("RootRotationInProgress").asBoolean(false), during.toString());
        assertEquals(1, during.at("/Spec/CAConfig/ForceRotate").asLong());
        String newRoot = during.at("/TLSInfo/TrustRoot").asText();
        assertTrue(newRoot.startsWith("-----BEGIN CERTIFICATE-----"), newRoot);
        assertFalse(newRoot.equals(oldRoot), "TLSInfo shows the root the nodes move to");
        assertEquals(cluster().getRootRotation().getCaCertPem(), newRoot);
        JsonNode info = api.get("/v1.47/info").json().at("/Swarm/Cluster");
        assertEquals(newRoot, info.at("/TLSInfo/TrustRoot").asText(), "docker info shows it too");
        assertTrue(info.path("RootRotationInProgress").asBoolean(false), info.toString());
        String newWorkerToken = during.at("/JoinTokens/Worker").asText();
        assertFalse(newWorkerToken.equals(oldWorkerToken));
        assertEquals(io.orch.agent.pki.CaDigest.ofPem(newRoot), io.orch.agent.pki.JoinToken.parse(newWorkerToken).caDigest());
        String shown = api.get("/v1.47/swarm").body() + api.get("/v1.47/info").body();
        assertFalse(shown.contains("PRIVATE KEY"), "no CA key in any answer");
        assertFalse(shown.contains("RootRotation\""), "the rotation's state stays in the store");

        // the same value again (docker swarm update sends the spec it read) starts nothing
        Cluster rotating = cluster();
        assertEquals(200, api.post("/v1.47/swarm/update?version=" + rotating.getVersion().getIndex(),
                "{\"Name\": \"default\", \"CAConfig\": {\"ForceRotate\": 1}}").status());
        assertEquals(rotating.getRootRotation(), cluster().getRootRotation());
        // another rotation while this one runs is refused, and changes nothing
        Cluster current = cluster();
        ApiFixture.Reply again = api.post("/v1.47/swarm/update?version=" + current.getVersion().getIndex(),
                "{\"Name\": \"default\", \"CAConfig\": {\"ForceRotate\": 2}}");
        assertEquals(400, again.status());
        assertTrue(again.message().startsWith("invalid swarm spec: CAConfig.ForceRotate: a root CA rotation is already in progress"),
                again.message());
        assertEquals(current, cluster());
    }

    @Test
    void aRootCaOfOnesOwnIsRefusedWithOneLineNamingTheField() {
        Cluster before = cluster();
        ApiFixture.Reply refused = api.post("/v1.47/swarm/update?version=" + before.getVersion().getIndex(),
                "{\"Name\": \"default\", \"CAConfig\": {\"SigningCACert\": \"x\", \"ForceRotate\": 1}}");
        assertEquals(400, refused.status());
        assertTrue(refused.message().startsWith("invalid swarm spec: CAConfig.SigningCACert: "), refused.message());
        assertFalse(refused.message().contains("\n"));
        assertEquals(before, cluster());
    }

    @Test
    void theTicksDescribeTheElectionTimeoutsRaftReallyUses() {
        java.time.Duration tick = FixedSwarmSettings.TICK;
        assertEquals(io.orch.raft.ratis.RaftSettings.DEFAULT_ELECTION_TIMEOUT_MIN, tick.multipliedBy(FixedSwarmSettings.ELECTION_TICK));
        assertEquals(io.orch.raft.ratis.RaftSettings.DEFAULT_ELECTION_TIMEOUT_MAX, tick.multipliedBy(2L * FixedSwarmSettings.ELECTION_TICK),
                "etcd-style ticks: a follower campaigns after [ElectionTick, 2 * ElectionTick) ticks");
        assertTrue(FixedSwarmSettings.ELECTION_TICK > FixedSwarmSettings.HEARTBEAT_TICK, "swarmkit requires ElectionTick > HeartbeatTick");
    }

    @Test
    void autolockMakesAnUnlockKeyThatOnlyUnlockkeyShowsRotationReplacesItAndOffRemovesIt() throws Exception {
        assertEquals("", api.get("/v1.47/swarm/unlockkey").json().path("UnlockKey").asText(), "no autolock: an empty key");
        JsonNode shown = api.get("/v1.47/swarm").json();
        String on = cliUpdateBody(shown.get("Spec"), 5).replace("\"AutoLockManagers\":false", "\"AutoLockManagers\":true");
        assertEquals(200, api.post("/v1.47/swarm/update?version=" + shown.at("/Version/Index").asLong(), on).status());
        String key = api.get("/v1.47/swarm/unlockkey").json().path("UnlockKey").asText();
        assertTrue(key.matches("SWMKEY-1-[A-Za-z0-9+/]{43}"), key);
        JsonNode after = api.get("/v1.47/swarm").json();
        assertTrue(after.at("/Spec/EncryptionConfig/AutoLockManagers").asBoolean(), after.toString());
        assertFalse(after.toString().contains(key.substring(9)), "GET /swarm never shows the unlock key");
        assertFalse(api.get("/v1.47/info").body().contains(key.substring(9)), "nor does /info");

        ApiFixture.Reply same = api.post("/v1.47/swarm/update?version=" + after.at("/Version/Index").asLong(),
                cliUpdateBody(after.get("Spec"), 6));
        assertEquals(200, same.status(), same.body());
        assertEquals(key, api.get("/v1.47/swarm/unlockkey").json().path("UnlockKey").asText(), "an unrelated update keeps the key");

        long version = cluster().getVersion().getIndex();
        assertEquals(200, api.post("/v1.47/swarm/update?version=" + version + "&rotateManagerUnlockKey=true",
                cliUpdateBody(api.get("/v1.47/swarm").json().get("Spec"), 6)).status());
        String rotated = api.get("/v1.47/swarm/unlockkey").json().path("UnlockKey").asText();
        assertTrue(rotated.startsWith("SWMKEY-1-") && !rotated.equals(key), rotated);

        String off = cliUpdateBody(api.get("/v1.47/swarm").json().get("Spec"), 6)
                .replace("\"AutoLockManagers\":true", "\"AutoLockManagers\":false");
        assertEquals(200, api.post("/v1.47/swarm/update?version=" + cluster().getVersion().getIndex(), off).status());
        assertEquals("", api.get("/v1.47/swarm/unlockkey").json().path("UnlockKey").asText());
        assertTrue(cluster().getManagerUnlockKey().isEmpty(), "turned off: the key is gone from the store");
    }

    @Test
    void anUnchangedSpecSentBackAsTheDockerCliDoesIsAccepted() throws Exception {
        JsonNode shown = api.get("/v1.47/swarm").json();
        ApiFixture.Reply ok = api.post("/v1.47/swarm/update?version=" + shown.at("/Version/Index").asLong()
                + "&rotateWorkerToken=false&rotateManagerToken=false&rotateManagerUnlockKey=false",
                cliUpdateBody(shown.get("Spec"), 7));
        assertEquals(200, ok.status(), ok.body());
        assertEquals(7, cluster().getSpec().getOrchestration().getTaskHistoryRetentionLimit());
        assertFalse(cluster().getSpec().hasRaft(), "the fixed settings are not stored: they come from the code");
        assertEquals(shown.at("/Spec/Raft"), api.get("/v1.47/swarm").json().at("/Spec/Raft"));
    }

    @Test
    void aRaftOrCaValueOrchCannotHonourIsRefusedNamingTheField() throws Exception {
        Cluster before = cluster();
        String path = "/v1.47/swarm/update?version=" + before.getVersion().getIndex();
        JsonNode spec = api.get("/v1.47/swarm").json().get("Spec");
        String body = cliUpdateBody(spec, 5);

        ApiFixture.Reply election = api.post(path, body.replace("\"ElectionTick\":2", "\"ElectionTick\":10"));
        assertEquals(400, election.status(), election.body());
        assertTrue(election.message().startsWith("invalid swarm spec: Raft.ElectionTick: orch's election timing is fixed"),
                election.message());

        long seconds30 = java.time.Duration.ofSeconds(30).toNanos();
        ApiFixture.Reply expiry = api.post(path, body.replace(spec.at("/CAConfig/NodeCertExpiry").toString(), Long.toString(seconds30)));
        assertEquals(400, expiry.status(), expiry.body());
        assertTrue(expiry.message().startsWith("invalid swarm spec: CAConfig.NodeCertExpiry: minimum certificate expiry time is 60 s"),
                expiry.message());

        ApiFixture.Reply logDriver = api.post(path, "{\"TaskDefaults\":{\"LogDriver\":{\"Name\":\"syslog\"}}}");
        assertEquals(400, logDriver.status(), logDriver.body());
        assertTrue(logDriver.message().startsWith("invalid swarm spec: TaskDefaults.LogDriver.Name: "), logDriver.message());
        assertEquals(before, cluster(), "nothing was applied");
    }

    @Test
    void theNodeCertificateExpiryIsStoredShownAndKeptWhenABodyLeavesItZero() {
        JsonNode shown = api.get("/v1.47/swarm").json();
        long days30 = java.time.Duration.ofDays(30).toNanos();
        String body = cliUpdateBody(shown.get("Spec"), 5)
                .replace(shown.at("/Spec/CAConfig/NodeCertExpiry").toString(), Long.toString(days30));
        ApiFixture.Reply ok = api.post("/v1.47/swarm/update?version=" + shown.at("/Version/Index").asLong(), body);
        assertEquals(200, ok.status(), ok.body());
        assertEquals(days30, cluster().getSpec().getCaConfig().getNodeCertExpiry());
        assertEquals(days30, api.get("/v1.47/swarm").json().at("/Spec/CAConfig/NodeCertExpiry").asLong());
        assertEquals(days30, api.get("/v1.47/info").json().at("/Swarm/Cluster/Spec/CAConfig/NodeCertExpiry").asLong(),
                "docker info's CA Configuration: Expiry Duration");

        ApiFixture.Reply unchanged = api.post("/v1.47/swarm/update?version=" + cluster().getVersion().getIndex(),
                "{\"Name\":\"default\",\"CAConfig\":{}}");
        assertEquals(200, unchanged.status(), unchanged.body());
        assertEquals(days30, cluster().getSpec().getCaConfig().getNodeCertExpiry(), "zero asks for no change");
    }

    @Test
    void zeroRaftTicksAskForNoChangeAsInDocker() {
        // an SDK building a spec from scratch sends ElectionTick 0 / HeartbeatTick 0 (no omitempty in moby)
        ApiFixture.Reply ok = api.post("/v1.47/swarm/update?version=" + cluster().getVersion().getIndex(),
                "{\"Name\":\"default\",\"Raft\":{\"ElectionTick\":0,\"HeartbeatTick\":0},\"CAConfig\":{}}");
        assertEquals(200, ok.status(), ok.body());
    }
}
