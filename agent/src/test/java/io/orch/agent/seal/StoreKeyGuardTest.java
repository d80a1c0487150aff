package io.orch.agent.seal;

import io.orch.agent.pki.NodeCredentials;
import io.orch.agent.pki.NodeRole;
import io.orch.agent.pki.RootCa;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.raft.LocalProposer;
import io.orch.raft.seal.SealKey;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A manager's key file follows the cluster's autolock setting and unlock key. */
class StoreKeyGuardTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dataDir;

    @Test
    void theKeyFileIsWrappedUnderTheCurrentUnlockKeyAndClearWithoutAutolock() throws Exception {
        ClusterStore store = new ClusterStore(new LocalProposer(), Clock.systemUTC());
        store.start();
        SealKey storeKey = SealKey.generate(RANDOM);
        StoreKeyFile.saveClear(dataDir, storeKey);
        NodeKeyLock nodeKey = new NodeKeyLock(NodeCredentials.directoryIn(dataDir), Optional.empty());
        NodeCredentials credentials = NodeCredentials.selfIssued(RootCa.create("c1"), "m1", NodeRole.MANAGER, List.of());
        nodeKey.save(credentials);
        StoreKeyGuard guard = new StoreKeyGuard(store, dataDir, storeKey, nodeKey);
        Cluster plain = Cluster.newBuilder().setId("c1").setSpec(ClusterSpec.newBuilder().setName("default")).build();
        store.updateAndWait(tx -> tx.create(plain));
        pass(guard);
        assertFalse(StoreKeyFile.locked(dataDir), "no autolock: in clear");
        assertFalse(NodeKeyLock.sealed(nodeKey.directory()), "no autolock: the node key in clear too");

        store.updateAndWait(tx -> tx.update(AutolockPolicy.applied(tx.read().cluster().orElseThrow(), true, false, RANDOM)));
        pass(guard);
        UnlockKey first = AutolockPolicy.unlockKey(store.read(r -> r.cluster()).orElseThrow()).orElseThrow();
        assertTrue(StoreKeyFile.locked(dataDir));
        assertEquals(storeKey, StoreKeyFile.load(dataDir, Optional.of(first)));
        assertTrue(NodeKeyLock.sealed(nodeKey.directory()), "the node key is sealed with it");
        assertEquals(credentials.certificate(), openedWith(first).certificate());

        store.updateAndWait(tx -> tx.update(AutolockPolicy.applied(tx.read().cluster().orElseThrow(), true, true, RANDOM)));
        pass(guard);
        UnlockKey rotated = AutolockPolicy.unlockKey(store.read(r -> r.cluster()).orElseThrow()).orElseThrow();
        assertEquals(storeKey, StoreKeyFile.load(dataDir, Optional.of(rotated)), "re-wrapped under the new key");
        assertThrows(KeyWrap.InvalidUnlockKey.class, () -> StoreKeyFile.load(dataDir, Optional.of(first)), "the old key no longer opens it");
        assertEquals(credentials.certificate(), openedWith(rotated).certificate(), "the node key re-encrypted under the new key");
        assertThrows(IOException.class, () -> openedWith(first), "nor the node key");

        store.updateAndWait(tx -> tx.update(AutolockPolicy.applied(tx.read().cluster().orElseThrow(), false, false, RANDOM)));
        pass(guard);
        assertFalse(StoreKeyFile.locked(dataDir));
        assertEquals(storeKey, StoreKeyFile.loadClear(dataDir));
        assertFalse(NodeKeyLock.sealed(nodeKey.directory()));
        assertEquals(credentials.certificate(), NodeCredentials.load(nodeKey.directory()).orElseThrow().certificate(),
                "the node key back in clear");
    }

    private NodeCredentials openedWith(UnlockKey key) throws IOException {
        return new NodeKeyLock(NodeCredentials.directoryIn(dataDir), Optional.of(key)).load().orElseThrow();
    }

    private static void pass(StoreKeyGuard guard) throws Exception {
        guard.runOnce(List.of(), Instant.now());
    }
}
