package io.orch.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.orch.api.json.DockerJson;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.api.proto.DispatcherConfig;
import io.orch.api.proto.OrchestrationConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading /swarm/init and /swarm/join bodies: the docker CLI's defaults pass, what orch cannot honour is refused by name. */
class SwarmRequestsTest {
    private static JsonNode json(String s) throws Exception {
        return DockerJson.MAPPER.readTree(s);
    }

    private static String refusal(ThrowingRead read) {
        ApiException e = assertThrows(ApiException.class, read::run);
        assertEquals(400, e.status().code());
        return e.getMessage();
    }

    interface ThrowingRead {
        void run() throws Exception;
    }

    @Test
    void initAppliesWhatItCan() throws Exception {
        SwarmInitRequest r = SwarmInitRequest.read(json("{\"ListenAddr\": \"127.0.0.1:4000\", \"AdvertiseAddr\": \"10.1.2.3\", "
                + "\"DataPathPort\": 5789, \"DefaultAddrPool\": [\"10.20.0.0/16\"], \"SubnetSize\": 26, \"Availability\": \"active\"}"));
        assertEquals("127.0.0.1:4000", r.listenAddr());
        assertEquals("10.1.2.3", r.advertiseAddr());
        assertEquals(5789, r.dataPathPort());
        assertEquals(List.of("10.20.0.0/16"), r.defaultAddrPool());
        assertEquals(26, r.subnetSize());
        assertNull(r.dataPathAddr());
    }

    @Test
    void initRefusesSettingsOrchCannotHonourNamingThem() {
        assertTrue(assertDoesNotThrow(() -> SwarmInitRequest.read(json("{\"Spec\": {\"EncryptionConfig\": "
                + "{\"AutoLockManagers\": true}}}"))).spec().getEncryptionConfig().getAutoLockManagers(), "autolock is taken");
        assertTrue(refusal(() -> SwarmInitRequest.read(json("{\"Spec\": {\"Raft\": {\"SnapshotInterval\": 7}}}")))
                .contains("Raft.SnapshotInterval: "));
        assertTrue(refusal(() -> SwarmInitRequest.read(json("{\"Availability\": \"drain\"}"))).startsWith("Availability: drain"));
        assertTrue(refusal(() -> SwarmInitRequest.read(json("{\"DataPathPort\": 80}"))).startsWith("DataPathPort: 80 is out of range"));
        assertTrue(refusal(() -> SwarmInitRequest.read(json("{\"SubnetSize\": 30}"))).startsWith("SubnetSize: "));
        assertEquals("Bogus: unknown field", refusal(() -> SwarmInitRequest.read(json("{\"Bogus\": 1}"))));
        assertTrue(refusal(() -> SwarmInitRequest.read(json("[]"))).contains("JSON object"));
    }

    @Test
    void initSpecSetsOnlyWhatItNames() throws Exception {
        // docker swarm init --task-history-limit 9: the rest of the Spec is zero (a heartbeat other than
        // the dispatcher's fixed 500 ms is refused, as by swarm update)
        SwarmInitRequest r = SwarmInitRequest.read(json(InactiveNodeApiTest.CLI_INIT_BODY.replace("\"Orchestration\": {}",
                "\"Orchestration\": {\"TaskHistoryRetentionLimit\": 9}")));
        Cluster created = Cluster.newBuilder().setId("c").setSpec(ClusterSpec.newBuilder().setName("default")
                .setOrchestration(OrchestrationConfig.newBuilder().setTaskHistoryRetentionLimit(5))
                .setDispatcher(DispatcherConfig.newBuilder().setHeartbeatPeriod(5_000_000_000L))).build();
        ClusterSpec applied = r.appliedTo(created).getSpec();
        assertEquals(9, applied.getOrchestration().getTaskHistoryRetentionLimit());
        assertEquals(5_000_000_000L, applied.getDispatcher().getHeartbeatPeriod(), "left zero: unchanged");
        assertEquals("default", applied.getName(), "what the request leaves zero keeps orch's default");
        assertEquals(created, SwarmInitRequest.read(json(InactiveNodeApiTest.CLI_INIT_BODY)).appliedTo(created),
                "the CLI's defaults change nothing");
    }

    @Test
    void unknownZeroFieldsAreTolerated() throws Exception {
        // a newer CLI's extra field left at its zero value asks nothing
        assertNull(SwarmInitRequest.read(json("{\"SomethingNew\": {\"Enabled\": false}}")).listenAddr());
    }

    @Test
    void joinNeedsAManagerAndAToken() {
        assertTrue(refusal(() -> SwarmJoinRequest.read(json("{\"JoinToken\": \"SWMTKN-1-a-b\"}"))).startsWith("RemoteAddrs: "));
        assertTrue(refusal(() -> SwarmJoinRequest.read(json("{\"RemoteAddrs\": [\"m:2377\"], \"JoinToken\": \"\"}")))
                .startsWith("JoinToken: "));
        assertTrue(refusal(() -> SwarmJoinRequest.read(json("{\"RemoteAddrs\": [\"m:2377\"], \"JoinToken\": \"SWMTKN-1-a-b\", "
                + "\"Availability\": \"pause\"}"))).startsWith("Availability: pause"));
    }

    @Test
    void joinKeepsTheTokenOutOfItsText() throws Exception {
        SwarmJoinRequest r = SwarmJoinRequest.read(json("{\"ListenAddr\": \"0.0.0.0:2377\", \"RemoteAddrs\": [\"m1:2377\", \"m2\"], "
                + "\"JoinToken\": \"SWMTKN-1-secret-part\"}"));
        assertEquals(List.of("m1:2377", "m2"), r.remoteAddrs());
        assertNull(r.listenAddr(), "the CLI's default ListenAddr leaves the agent's flag in place");
        assertTrue(!r.toString().contains("secret"));
    }

    @Test
    void managerLeaveRefusalsAreDockers() {
        assertEquals(ManagerLeaveCheck.PREFIX + "Removing the last manager erases all current state of the swarm. "
                + "Use `--force` to ignore this message. ", ManagerLeaveCheck.refusal(1, 0).getMessage());
        assertEquals(ManagerLeaveCheck.PREFIX + "Removing this node leaves 1 managers out of 2. Without a Raft quorum your "
                + "swarm will be inaccessible. " + ManagerLeaveCheck.SUFFIX, ManagerLeaveCheck.refusal(2, 0).getMessage());
        assertEquals(ManagerLeaveCheck.PREFIX + ManagerLeaveCheck.SUFFIX, ManagerLeaveCheck.refusal(3, 0).getMessage());
        assertEquals(503, ManagerLeaveCheck.refusal(3, 0).status().code());
    }
}
