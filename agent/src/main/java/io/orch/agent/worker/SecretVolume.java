package io.orch.agent.worker;

import io.orch.api.Defaults;
import io.orch.runtime.HostCommand;
import io.orch.runtime.MountTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task's secrets directory ({@code <taskDir>/secrets}) on a tmpfs of its own, so secret values
 * live in memory only, never on the node's disk (as Docker mounts them), and vanish with the
 * mount when the task ends. A tmpfs needs root: an agent that is not root writes them to the
 * task dir (0700) and says so once.
 */
final class SecretVolume {
    private static final Logger log = LoggerFactory.getLogger(SecretVolume.class);
    static final String DIR = "secrets";
    /** Room for the file entries on top of the data (tmpfs rounds up to pages anyway). */
    private static final long OVERHEAD_BYTES = 64 * 1024;
    private static final AtomicBoolean warnedNotRoot = new AtomicBoolean();

    private SecretVolume() {}

    /**
     * The directory to write {@code dataBytes} of secrets to, mounted when this agent can mount.
     * A task started again finds its tmpfs still there and reuses it (its files are rewritten).
     */
    static Path open(Path taskDir, long dataBytes, boolean root) throws IOException {
        Path dir = taskDir.resolve(DIR).toAbsolutePath();
        Files.createDirectories(dir);
        if (!root) {
            if (warnedNotRoot.compareAndSet(false, true)) {
                log.warn("task secrets are written to the node's disk under the task dirs: mounting a tmpfs for them needs root");
            }
            return dir;
        }
        if (!MountTable.isMountPoint(dir)) {
            long size = dataBytes + OVERHEAD_BYTES;
            HostCommand.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700,nosuid,nodev,noexec",
                    "orch-secrets", dir.toString()));
        }
        return dir;
    }

    static Path open(Path taskDir, long dataBytes) throws IOException {
        return open(taskDir, dataBytes, Defaults.runningAsRoot());
    }

    /** Unmounts the task's tmpfs (its files go with it); a plain directory is left for the caller to delete. */
    static void close(Path taskDir) throws IOException {
        Path dir = taskDir.resolve(DIR).toAbsolutePath();
        if (MountTable.isMountPoint(dir)) {
            try {
                HostCommand.run(List.of("umount", dir.toString()));
            } catch (IOException busy) {
                HostCommand.run(List.of("umount", "-l", dir.toString())); // a process still has a file open: detach it
            }
        }
    }

    /**
     * At start: unmounts the secret tmpfs of every task under {@code tasksDir} that is not in
     * {@code keep} (an agent killed before it removed them). Returns the task ids swept.
     */
    static List<String> sweep(Path tasksDir, Set<String> keep) {
        List<String> swept = new ArrayList<>();
        Path base = tasksDir.toAbsolutePath().normalize();
        List<Path> mounts;
        try {
            mounts = MountTable.mountPoints();
        } catch (IOException e) {
            log.warn("leftover secret mounts not swept: {}", e.toString());
            return swept;
        }
        for (Path m : mounts) {
            if (m.getParent() != null && m.getFileName().toString().equals(DIR) && base.equals(m.getParent().getParent())) {
                String taskId = m.getParent().getFileName().toString();
                if (keep.contains(taskId)) {
                    continue;
                }
                try {
                    close(m.getParent());
                    swept.add(taskId);
                } catch (IOException e) {
                    log.warn("leftover secret mount of task {} not removed: {}", taskId, e.toString());
                }
            }
        }
        return swept;
    }
}
