package io.orch.agent.seal;

import io.orch.raft.seal.SealKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreKeyFileTest {
    @TempDir
    Path dataDir;

    private final SealKey key = SealKey.generate(new SecureRandom());

    @Test
    void aSavedKeyLoadsBackFromAFileOnlyItsOwnerCanRead() throws Exception {
        StoreKeyFile.saveClear(dataDir, key);
        assertEquals(key, StoreKeyFile.loadClear(dataDir));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(StoreKeyFile.path(dataDir))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(StoreKeyFile.path(dataDir).getParent())));
        assertFalse(Files.exists(StoreKeyFile.path(dataDir).resolveSibling("store.key.tmp")), "no temporary file left");

        SealKey next = SealKey.generate(new SecureRandom());
        StoreKeyFile.saveClear(dataDir, next);
        assertEquals(next, StoreKeyFile.loadClear(dataDir), "a new key replaces the old one");
    }

    @Test
    void aWrappedKeyIsNotReadAsAClearOne() throws Exception {
        StoreKeyFile.saveWrapped(dataDir, key.id(), new byte[60]);
        StoreKeyFile.Contents contents = StoreKeyFile.read(dataDir);
        assertTrue(contents.isWrapped());
        assertEquals(key.id(), contents.id());
        IOException e = assertThrows(IOException.class, () -> StoreKeyFile.loadClear(dataDir));
        assertTrue(e.getMessage().contains("locked"), e.getMessage());
    }

    @Test
    void aMissingOrDamagedFileIsRefusedWithoutShowingTheKey() throws Exception {
        assertFalse(StoreKeyFile.exists(dataDir));
        assertThrows(IOException.class, () -> StoreKeyFile.loadClear(dataDir));

        StoreKeyFile.saveClear(dataDir, key);
        String text = Files.readString(StoreKeyFile.path(dataDir));
        String encoded = Base64.getEncoder().encodeToString(key.bytes());
        Files.writeString(StoreKeyFile.path(dataDir), text.replace(encoded, encoded.substring(4)), StandardCharsets.US_ASCII);
        IOException damaged = assertThrows(IOException.class, () -> StoreKeyFile.loadClear(dataDir));
        assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());
        assertFalse(damaged.getMessage().contains(encoded.substring(8, 20)), "the key is never in a message");

        Files.writeString(StoreKeyFile.path(dataDir), "something else\n");
        assertTrue(assertThrows(IOException.class, () -> StoreKeyFile.loadClear(dataDir)).getMessage().contains("not a store key file"));

        StoreKeyFile.delete(dataDir);
        assertFalse(StoreKeyFile.exists(dataDir));
    }

    @Test
    void theKeyTravelsWithItsIdAndABadLengthIsRefused() {
        assertEquals(key, StoreKeyTransfer.decode(StoreKeyTransfer.encode(key)).orElseThrow());
        assertTrue(StoreKeyTransfer.decode(com.google.protobuf.ByteString.EMPTY).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StoreKeyTransfer.decode(com.google.protobuf.ByteString.copyFrom(new byte[35])));
        assertTrue(e.getMessage().startsWith("store_key:"), e.getMessage());
    }

    @Test
    void underAutolockTheFirstAndOnlyFormWrittenIsTheWrappedOne() throws Exception {
        UnlockKey unlock = UnlockKey.generate(new SecureRandom());
        String clear = Base64.getEncoder().encodeToString(key.bytes());
        // store.key a non-empty directory: the rename fails, and the staged file is what a crash would leave
        Files.createDirectories(StoreKeyFile.path(dataDir).resolve("blocker"));
        assertThrows(IOException.class, () -> StoreKeyFile.save(dataDir, key, java.util.Optional.of(unlock)));
        String staged = Files.readString(StoreKeyFile.path(dataDir).resolveSibling("store.key.tmp"), StandardCharsets.US_ASCII);
        assertTrue(staged.contains("wrapped: "), "staged wrapped");
        assertFalse(staged.contains(clear), "never the key in clear, not even staged");

        Files.delete(StoreKeyFile.path(dataDir).resolve("blocker"));
        Files.delete(StoreKeyFile.path(dataDir));
        StoreKeyFile.save(dataDir, key, java.util.Optional.of(unlock));
        assertTrue(StoreKeyFile.locked(dataDir));
        assertEquals(key, StoreKeyFile.load(dataDir, java.util.Optional.of(unlock)));
        assertFalse(Files.readString(StoreKeyFile.path(dataDir)).contains(clear));
    }
}
