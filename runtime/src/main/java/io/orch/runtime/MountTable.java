package io.orch.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** This process's mount points, as /proc/self/mountinfo lists them (field 5, octal escapes undone). */
public final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {}

    public static List<Path> mountPoints() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length > 4) {
                out.add(Path.of(unescape(f[4])));
            }
        }
        return out;
    }

    /**
     * Whether {@code p} is a mount point. Asked on every task start and removal, so the table,
     * whose length grows with the tasks on the node (an overlay and a network namespace each),
     * is read only when the cheap answers do not settle it: a path that does not exist is none,
     * and one on another device than its parent (an overlay, a tmpfs) is one. Only a path on its
     * parent's device, which a bind mount within one file system can be, is looked up.
     */
    public static boolean isMountPoint(Path p) throws IOException {
        Path path = p.toAbsolutePath().normalize();
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path parent = path.getParent();
        if (parent != null) {
            try {
                if (!device(path).equals(device(parent))) {
                    return true;
                }
            } catch (IOException | UnsupportedOperationException e) {
                // no device to compare: the table says
            }
        }
        return mountPoints().contains(path);
    }

    private static Object device(Path p) throws IOException {
        return Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    }

    /** The kernel writes space, tab, newline and backslash in paths as octal escapes. */
    static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
