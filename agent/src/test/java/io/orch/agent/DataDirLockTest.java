package io.orch.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataDirLockTest {
    @TempDir
    Path root;

    @Test
    void aSecondHolderIsRefusedNamingTheFirstOnesPidUntilItLetsGo() throws Exception {
        Path dir = root.resolve("data");
        long pid = ProcessHandle.current().pid();
        try (DataDirLock first = DataDirLock.acquire(dir)) {
            assertEquals(pid + "\n", Files.readString(dir.resolve(DataDirLock.FILE)));
            DataDirLock.DataDirInUseException refused = assertThrows(DataDirLock.DataDirInUseException.class,
                    () -> DataDirLock.acquire(dir));
            assertEquals("another orch agent (pid " + pid + ") is using " + dir, refused.getMessage());
        }
        try (DataDirLock again = DataDirLock.acquire(dir)) {
            assertTrue(Files.exists(dir.resolve(DataDirLock.FILE)));
        }
    }

    @Test
    void leavingTheSwarmKeepsTheLockFile() throws Exception {
        Path dir = root.resolve("data");
        try (DataDirLock held = DataDirLock.acquire(dir)) {
            Files.writeString(dir.resolve(ClusterIdentity.FILE), "{}");
            Files.createDirectories(dir.resolve("raft"));
            SwarmState.remove(dir);
            assertTrue(Files.exists(dir.resolve(DataDirLock.FILE)), "a new lock file would be a second lock");
        }
    }
}
