package io.orch.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** peers.json never holds the gossip key; one an older orch wrote with it is rewritten without it. */
class ClusterPeersTest {
    @TempDir
    Path dataDir;

    private final byte[] key = new byte[32];

    {
        new SecureRandom().nextBytes(key);
    }

    @Test
    void theGossipKeyIsKeptInMemoryButNeverSaved() throws Exception {
        ClusterPeers peers = new ClusterPeers(key, Map.of("m1", "10.0.0.1:4242"), List.of("10.0.0.1:7946"));
        assertTrue(peers.hasGossipKey());
        peers.save(dataDir);

        String text = Files.readString(dataDir.resolve(ClusterPeers.FILE));
        assertFalse(text.contains(Base64.getEncoder().encodeToString(key)), text);
        assertFalse(text.contains("GossipKey"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(ClusterPeers.FILE))));

        ClusterPeers loaded = ClusterPeers.load(dataDir).orElseThrow();
        assertFalse(loaded.hasGossipKey(), "a restarted node has no gossip key until a manager tells it");
        assertEquals(peers.managers(), loaded.managers());
        assertEquals(peers.gossipSeeds(), loaded.gossipSeeds());
        assertArrayEquals(key, loaded.withGossipKey(key).gossipKey());
        assertFalse(peers.toString().contains(Base64.getEncoder().encodeToString(key)));
    }

    @Test
    void aFileWithTheKeyInClearIsReadOnceAndRewrittenWithoutIt() throws Exception {
        String clearKey = Base64.getEncoder().encodeToString(key);
        Files.writeString(dataDir.resolve(ClusterPeers.FILE), "{\"GossipKey\":\"" + clearKey
                + "\",\"Managers\":{\"m1\":\"10.0.0.1:4242\"},\"GossipSeeds\":[\"10.0.0.1:7946\"]}");

        ClusterPeers migrated = ClusterPeers.load(dataDir).orElseThrow();
        assertArrayEquals(key, migrated.gossipKey(), "this run still has the key (a worker starts gossip with it)");
        assertEquals(Map.of("m1", "10.0.0.1:4242"), migrated.managers());

        String after = Files.readString(dataDir.resolve(ClusterPeers.FILE));
        assertFalse(after.contains(clearKey), after);
        try (var files = Files.list(dataDir)) {
            assertEquals(List.of(dataDir.resolve(ClusterPeers.FILE)), files.toList(), "no temporary file left");
        }
        ClusterPeers again = ClusterPeers.load(dataDir).orElseThrow();
        assertFalse(again.hasGossipKey());
        assertEquals(migrated.managers(), again.managers());
        assertEquals(migrated.gossipSeeds(), again.gossipSeeds());
    }
}
