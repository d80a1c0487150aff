package io.orch.agent.seal;

import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.raft.LocalProposer;
import io.orch.raft.seal.SealKey;
import io.orch.raft.store.ClusterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        StoreKeyGuard guard = new StoreKeyGuard(store, dataDir, storeKey);
        Cluster plain = Cluster.newBuilder().setId("c1").setSpec(ClusterSpec.newBuilder().setName("default")).build();
        store.updateAndWait(tx -> tx.create(plain));
        pass(guard);
        assertFalse(StoreKeyFile.locked(dataDir), "no autolock: in clear");

        store.updateAndWait(tx -> tx.update(AutolockPolicy.applied(tx.read().cluster().orElseThrow(), true, false, RANDOM)));
        pass(guard);
        UnlockKey first = AutolockPolicy.unlockKey(store.read(r -> r.cluster()).orElseThrow()).orElseThrow();
        assertTrue(StoreKeyFile.locked(dataDir));
        assertEquals(storeKey, StoreKeyFile.load(dataDir, Optional.of(first)));

        store.updateAndWait(tx -> tx.update(AutolockPolicy.applied(tx.read().cluster().orElseThrow(), true, true, RANDOM)));
        pass(guard);
        UnlockKey rotated = AutolockPolicy.unlockKey(store.read(r -> r.cluster()).orElseThrow()).orElseThrow();
        assertEquals(storeKey, StoreKeyFile.load(dataDir, Optional.of(rotated)), "re-wrapped under the new key");
        assertThrows(KeyWrap.InvalidUnlockKey.class, () -> StoreKeyFile.load(dataDir, Optional.of(first)), "the old key no longer opens it");

        store.updateAndWait(tx -> tx.update(AutolockPolicy.applied(tx.read().cluster().orElseThrow(), false, false, RANDOM)));
        pass(guard);
        assertFalse(StoreKeyFile.locked(dataDir));
        assertEquals(storeKey, StoreKeyFile.loadClear(dataDir));
    }

    private static void pass(StoreKeyGuard guard) throws Exception {
        guard.runOnce(List.of(), Instant.now());
    }
}
