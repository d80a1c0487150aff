package io.orch.runtime;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** isMountPoint's cheap answers (no path, another device) agree with the mount table, and a bind mount still needs the table. */
class MountTableTest {
    @Test
    void aMissingPathOrAPlainDirectoryIsNoMountPoint(@TempDir Path dir) throws Exception {
        assertFalse(MountTable.isMountPoint(dir.resolve("missing")));
        Path plain = Files.createDirectories(dir.resolve("plain"));
        assertFalse(MountTable.isMountPoint(plain));
    }

    @Test
    void aFileSystemOfItsOwnIsAMountPointAsTheTableSays() throws Exception {
        // /proc is mounted on every Linux machine, on a device of its own
        assertTrue(MountTable.mountPoints().contains(Path.of("/proc")));
        assertTrue(MountTable.isMountPoint(Path.of("/proc")));
        assertTrue(MountTable.isMountPoint(Path.of("/proc/self/..")), "the path is normalised first");
    }

    @Test
    void aBindMountOnItsParentsDeviceIsFoundInTheTable(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "bind mounts need root");
        Path source = Files.createDirectories(dir.resolve("source"));
        Path target = Files.createDirectories(dir.resolve("target"));
        HostCommand.run(List.of("mount", "--bind", source.toString(), target.toString()));
        try {
            assertTrue(MountTable.isMountPoint(target));
            assertFalse(MountTable.isMountPoint(source));
        } finally {
            HostCommand.run(List.of("umount", target.toString()));
        }
        assertFalse(MountTable.isMountPoint(target));
    }
}
