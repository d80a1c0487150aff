package io.orch.runtime.image;

import io.orch.runtime.HostCommand;
import io.orch.runtime.MountTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each task its own writable layer over an image's read-only rootfs: an overlayfs mount
 * (lower = image rootfs, upper/work in the task dir) where the kernel allows it, otherwise a full
 * copy of the image rootfs ({@code cp -a}). Whether overlayfs works is probed once.
 */
public final class TaskRootfs {
    private static final Logger log = LoggerFactory.getLogger(TaskRootfs.class);
    /** Set once under {@code TaskRootfs.class} (overlaySupported); volatile for the lock-free first look. */
    private static volatile Boolean overlayWorks;

    /** How the rootfs was made, so {@link #release} knows what to undo. */
    public enum Mode { OVERLAY, COPY }

    private TaskRootfs() {}

    /** Creates {@code taskDir/rootfs} on top of {@code imageRootfs}; returns the mode used. */
    public static Mode prepare(Path imageRootfs, Path taskDir) throws IOException {
        Path merged = taskDir.resolve("rootfs");
        if (MountTable.isMountPoint(merged)) {
            return Mode.OVERLAY; // already prepared (a retried start)
        }
        Files.createDirectories(merged);
        if (overlaySupported(taskDir)) {
            Path upper = Files.createDirectories(taskDir.resolve("upper"));
            Path work = Files.createDirectories(taskDir.resolve("work"));
            String opts = "lowerdir=" + imageRootfs + ",upperdir=" + upper + ",workdir=" + work;
            HostCommand.run(List.of("mount", "-t", "overlay", "overlay", "-o", opts, merged.toString()));
            return Mode.OVERLAY;
        }
        if (isEmpty(merged)) {
            HostCommand.run(List.of("cp", "-a", imageRootfs + "/.", merged.toString()));
        }
        return Mode.COPY;
    }

    /** Unmounts (or deletes the copy of) a task's rootfs; the writable layer goes too. Idempotent. */
    public static void release(Path taskDir) throws IOException {
        Path merged = taskDir.resolve("rootfs");
        if (MountTable.isMountPoint(merged)) {
            try {
                HostCommand.run(List.of("umount", merged.toString()));
            } catch (IOException e) {
                HostCommand.run(List.of("umount", "-l", merged.toString())); // still busy: detach it, the kernel frees it later
            }
        }
        for (String d : new String[] {"rootfs", "upper", "work"}) {
            LayerUnpacker.deleteTree(taskDir.resolve(d));
        }
    }

    private static boolean overlaySupported(Path taskDir) {
        Boolean known = overlayWorks;
        if (known != null) {
            return known;
        }
        synchronized (TaskRootfs.class) {
            if (overlayWorks == null) {
                overlayWorks = probe(taskDir.getParent() == null ? taskDir : taskDir.getParent());
                log.info("task root file systems: {}", overlayWorks ? "overlayfs" : "copies (overlayfs unavailable)");
            }
            return overlayWorks;
        }
    }

    private static boolean probe(Path parent) {
        Path dir = parent.resolve(".overlay-probe-" + ProcessHandle.current().pid());
        try {
            for (String d : new String[] {"lower", "upper", "work", "merged"}) {
                Files.createDirectories(dir.resolve(d));
            }
            HostCommand.run(List.of("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + dir.resolve("lower") + ",upperdir="
                    + dir.resolve("upper") + ",workdir=" + dir.resolve("work"), dir.resolve("merged").toString()));
            HostCommand.run(List.of("umount", dir.resolve("merged").toString()));
            return true;
        } catch (IOException e) {
            log.debug("overlayfs probe failed: {}", e.getMessage());
            return false;
        } finally {
            try {
                LayerUnpacker.deleteTree(dir);
            } catch (IOException e) {
                log.debug("could not remove the overlay probe dir {}", dir);
            }
        }
    }


    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
