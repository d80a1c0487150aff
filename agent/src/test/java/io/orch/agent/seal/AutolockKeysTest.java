package io.orch.agent.seal;

import com.google.protobuf.ByteString;
import io.orch.api.proto.Cluster;
import io.orch.api.proto.ClusterSpec;
import io.orch.raft.seal.SealKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The unlock key's format, the key file wrapped under it, and autolock as the store holds it. */
class AutolockKeysTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dataDir;

    @Test
    void anUnlockKeyIsShownAsSwarmkitShowsItAndReadBack() {
        UnlockKey key = UnlockKey.generate(RANDOM);
        String text = key.text();
        assertTrue(text.matches("SWMKEY-1-[A-Za-z0-9+/]{43}"), text);
        assertEquals(key, UnlockKey.parse("  " + text + "\n"));
        assertEquals(key, UnlockKey.parse(text + "="), "padding is accepted too");
        assertFalse(key.toString().contains(text.substring(9)), "toString never shows the key");
    }

    @Test
    void aMalformedUnlockKeyIsRefusedWithoutEchoingIt() {
        for (String bad : new String[] {"", "hunter2", "SWMKEY-2-" + b64(32), "SWMKEY-1-" + b64(16), "SWMKEY-1-***notbase64***"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnlockKey.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid key"), e.getMessage());
            assertFalse(!bad.isEmpty() && e.getMessage().contains(bad), "the input is not echoed: " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> UnlockKey.parse(null));
    }

    @Test
    void aWrappedStoreKeyOpensWithItsUnlockKeyOnly() throws Exception {
        SealKey storeKey = SealKey.generate(RANDOM);
        UnlockKey unlock = UnlockKey.generate(RANDOM);
        StoreKeyFile.saveWrapped(dataDir, storeKey.id(), KeyWrap.wrap(storeKey, unlock));
        assertTrue(StoreKeyFile.locked(dataDir));
        String onDisk = java.nio.file.Files.readString(StoreKeyFile.path(dataDir));
        assertFalse(onDisk.contains(Base64.getEncoder().encodeToString(storeKey.bytes())), "the key is not in clear");

        assertThrows(StoreKeyFile.Locked.class, () -> StoreKeyFile.load(dataDir, Optional.empty()));
        assertThrows(KeyWrap.InvalidUnlockKey.class, () -> StoreKeyFile.load(dataDir, Optional.of(UnlockKey.generate(RANDOM))));
        assertEquals(storeKey, StoreKeyFile.load(dataDir, Optional.of(unlock)));
        assertEquals("invalid key", new KeyWrap.InvalidUnlockKey().getMessage());

        StoreKeyFile.saveClear(dataDir, storeKey);
        assertFalse(StoreKeyFile.locked(dataDir));
        assertEquals(storeKey, StoreKeyFile.load(dataDir, Optional.empty()));
    }

    @Test
    void turningAutolockOnMakesAKeyRotationReplacesItAndTurningItOffRemovesIt() {
        Cluster plain = Cluster.newBuilder().setId("c1").setSpec(ClusterSpec.newBuilder().setName("default")).build();
        assertTrue(AutolockPolicy.unlockKey(plain).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AutolockPolicy.applied(plain, false, true, RANDOM));
        assertTrue(e.getMessage().startsWith("rotateManagerUnlockKey:"), e.getMessage());

        Cluster on = AutolockPolicy.applied(plain, true, false, RANDOM);
        assertTrue(AutolockPolicy.on(on));
        UnlockKey first = AutolockPolicy.unlockKey(on).orElseThrow();
        assertEquals(first, AutolockPolicy.unlockKey(AutolockPolicy.applied(on, true, false, RANDOM)).orElseThrow(),
                "an update that keeps autolock keeps the key");
        UnlockKey rotated = AutolockPolicy.unlockKey(AutolockPolicy.applied(on, true, true, RANDOM)).orElseThrow();
        assertNotEquals(first, rotated);

        Cluster off = AutolockPolicy.applied(on, false, false, RANDOM);
        assertFalse(AutolockPolicy.on(off));
        assertEquals(ByteString.EMPTY, off.getManagerUnlockKey());
        assertTrue(AutolockPolicy.unlockKey(off).isEmpty());
    }

    private static String b64(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().withoutPadding().encodeToString(b);
    }
}
