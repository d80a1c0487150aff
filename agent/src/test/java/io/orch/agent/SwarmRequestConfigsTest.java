package io.orch.agent;

import io.orch.agent.api.ApiException;
import io.orch.agent.api.SwarmInitRequest;
import io.orch.agent.api.SwarmJoinRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent configuration /swarm/init and /swarm/join ask for, from the agent's flags. */
class SwarmRequestConfigsTest {
    private final AgentConfig flags = new AgentConfig(Path.of("/data"), new AgentConfig.HostPort("0.0.0.0", 23310),
            new AgentConfig.HostPort("0.0.0.0", 23311), null, new AgentConfig.HostPort("127.0.0.1", 23313), "process", "h1",
            "192.0.2.7", null, false);

    private static SwarmInitRequest init(String listen, String advertise, String dataPath) {
        return new SwarmInitRequest(listen, advertise, dataPath, 0, List.of(), 0, false);
    }

    @Test
    void noFieldsMeansTheAgentsFlags() throws Exception {
        AgentConfig c = SwarmRequestConfigs.forInit(flags, init(null, null, null));
        assertEquals(flags.listenAddr(), c.listenAddr());
        assertEquals("192.0.2.7", c.advertiseHost());
        assertEquals(flags.apiAddr(), c.apiAddr());
        assertEquals(24, c.addressPools().subnetSize());
        assertEquals(null, c.join());
    }

    @Test
    void initAppliesAddressesAndPools() throws Exception {
        AgentConfig c = SwarmRequestConfigs.forInit(flags, new SwarmInitRequest("127.0.0.1:4000", null, null, 5789,
                List.of("10.20.0.0/16"), 26, false));
        assertEquals(new AgentConfig.HostPort("127.0.0.1", 4000), c.listenAddr());
        assertEquals("127.0.0.1", c.advertiseHost(), "a specific listen host is what other nodes reach");
        assertEquals(List.of("10.20.0.0/16"), c.addressPools().pools());
        assertEquals(26, c.addressPools().subnetSize());
        assertEquals(5789, c.addressPools().dataPathPort());
        assertEquals("10.9.9.9", SwarmRequestConfigs.forInit(flags, init(null, "10.9.9.9:23310", "10.9.9.9")).advertiseHost());
    }

    @Test
    void refusesWhatOrchCannotAdvertise() {
        ApiException port = assertThrows(ApiException.class, () -> SwarmRequestConfigs.forInit(flags, init(null, "10.9.9.9:2377", null)));
        assertTrue(port.getMessage().startsWith("AdvertiseAddr 10.9.9.9:2377: "), port.getMessage());
        ApiException data = assertThrows(ApiException.class, () -> SwarmRequestConfigs.forInit(flags, init(null, null, "10.1.1.1")));
        assertTrue(data.getMessage().startsWith("DataPathAddr 10.1.1.1: "), data.getMessage());
        ApiException force = assertThrows(ApiException.class, () -> SwarmRequestConfigs.forInit(flags,
                new SwarmInitRequest(null, null, null, 0, List.of(), 0, true)));
        assertTrue(force.getMessage().startsWith("ForceNewCluster: "));
        ApiException pool = assertThrows(ApiException.class, () -> SwarmRequestConfigs.forInit(flags,
                new SwarmInitRequest(null, null, null, 0, List.of("not-a-cidr"), 0, false)));
        assertEquals(400, pool.status().code());
    }

    @Test
    void joinTargetsTheGivenManager() throws Exception {
        SwarmJoinRequest r = new SwarmJoinRequest(null, null, null, List.of("10.0.0.5"), "SWMTKN-1-a-b");
        AgentConfig c = SwarmRequestConfigs.forJoin(flags, r, "10.0.0.5");
        assertEquals(new AgentConfig.HostPort("10.0.0.5", 2377), c.join().manager());
        assertEquals("SWMTKN-1-a-b", c.join().token());
        assertThrows(ApiException.class, () -> SwarmRequestConfigs.forJoin(flags, r, "0.0.0.0:2377"));
    }

    @Test
    void addressesTheRequestChoseAreRememberedForRestarts(@TempDir Path dir) throws Exception {
        assertTrue(SwarmAddresses.chosen(flags, SwarmRequestConfigs.forInit(flags, init(null, null, null))).isEmpty(),
                "the flags' own addresses need no remembering");
        AgentConfig chosen = SwarmRequestConfigs.forInit(flags, init("127.0.0.1:4000", null, null));
        SwarmAddresses.chosen(flags, chosen).orElseThrow().save(dir);
        AgentConfig resumed = SwarmAddresses.load(dir).orElseThrow().appliedTo(flags);
        assertEquals(new AgentConfig.HostPort("127.0.0.1", 4000), resumed.listenAddr());
        assertEquals("127.0.0.1", resumed.advertiseHost());
        assertEquals(flags.apiAddr(), resumed.apiAddr(), "the rest stays the flags'");
        SwarmState.remove(dir);
        assertTrue(SwarmAddresses.load(dir).isEmpty(), "leaving forgets them");
    }

    @Test
    void leavingRemovesTheSwarmStateButKeepsImages(@TempDir Path dir) throws Exception {
        new ClusterIdentity("c1", "n1").save(dir);
        Files.createDirectories(dir.resolve("raft/group"));
        Files.writeString(dir.resolve("raft/group/log"), "x");
        Files.createDirectories(dir.resolve("images/blobs"));
        Files.writeString(dir.resolve("images/blobs/b1"), "layer");
        assertTrue(SwarmState.present(dir));
        SwarmState.remove(dir);
        assertFalse(SwarmState.present(dir));
        assertFalse(Files.exists(dir.resolve("raft")));
        assertEquals("layer", Files.readString(dir.resolve("images/blobs/b1")));
    }

    @Test
    void theNodesOwnFlagsSurviveInitJoinAndRememberedAddresses() throws Exception {
        AgentConfig withFlags = new AgentConfig(flags.dataDir(), flags.listenAddr(), flags.gossipAddr(), flags.apiSocket(),
                flags.apiAddr(), flags.runtime(), flags.hostname(), flags.advertiseHost(), null, false, null,
                java.util.Set.of("registry.lan:5000"), java.time.Duration.ofSeconds(7));
        AgentConfig init = SwarmRequestConfigs.forInit(withFlags, init("127.0.0.1:4000", null, null));
        AgentConfig join = SwarmRequestConfigs.forJoin(withFlags,
                new SwarmJoinRequest(null, null, null, List.of("10.0.0.5"), "SWMTKN-1-a-b"), "10.0.0.5");
        AgentConfig remembered = SwarmAddresses.chosen(withFlags, init).orElseThrow().appliedTo(withFlags);
        for (AgentConfig c : List.of(init, join, remembered)) {
            assertEquals(java.util.Set.of("registry.lan:5000"), c.insecureRegistries(), "--insecure-registry kept: " + c);
            assertEquals(java.time.Duration.ofSeconds(7), c.restartGrace(), "--restart-grace kept: " + c);
        }
        assertEquals(new AgentConfig.HostPort("127.0.0.1", 4000), remembered.listenAddr());
    }
}
