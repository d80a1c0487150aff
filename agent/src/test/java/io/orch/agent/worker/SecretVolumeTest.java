package io.orch.agent.worker;

import io.orch.api.Defaults;
import io.orch.runtime.MountTable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Secrets live on a tmpfs of the task's own (root only), gone when it is closed or swept. */
class SecretVolumeTest {
    @TempDir
    Path tasks;

    private static String fsType(Path mountPoint) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[1].equals(mountPoint.toAbsolutePath().toString())) {
                return f[2];
            }
        }
        return "";
    }

    @Test
    void aRootAgentsSecretsAreInMemoryAndGoWithTheMount() throws Exception {
        Assumptions.assumeTrue(Defaults.runningAsRoot(), "mounting a tmpfs needs root");
        Path taskDir = tasks.resolve("t1");
        Path dir = SecretVolume.open(taskDir, 10);
        try {
            assertEquals("tmpfs", fsType(dir));
            Files.writeString(dir.resolve("db_pass"), "s3cret", StandardCharsets.UTF_8);
            assertEquals(dir, SecretVolume.open(taskDir, 10), "a restarted task reuses its mount");
            assertTrue(Files.exists(dir.resolve("db_pass")));
        } finally {
            SecretVolume.close(taskDir);
        }
        assertFalse(MountTable.isMountPoint(dir));
        assertFalse(Files.exists(dir.resolve("db_pass")), "the value went with the mount, nothing on disk");
    }

    @Test
    void theSweepUnmountsOnlyTheSecretsOfTasksNotKept() throws Exception {
        Assumptions.assumeTrue(Defaults.runningAsRoot(), "mounting a tmpfs needs root");
        Path kept = SecretVolume.open(tasks.resolve("kept"), 10);
        Path left = SecretVolume.open(tasks.resolve("left"), 10);
        try {
            assertEquals(List.of("left"), SecretVolume.sweep(tasks, Set.of("kept")));
            assertTrue(MountTable.isMountPoint(kept));
            assertFalse(MountTable.isMountPoint(left));
        } finally {
            SecretVolume.close(tasks.resolve("kept"));
            SecretVolume.close(tasks.resolve("left"));
        }
    }

    @Test
    void anAgentThatIsNotRootWritesThemToThePlainDirectory() throws Exception {
        Path dir = SecretVolume.open(tasks.resolve("t2"), 10, false);
        assertTrue(Files.isDirectory(dir));
        assertFalse(MountTable.isMountPoint(dir));
    }
}
