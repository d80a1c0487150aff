package io.orch.runtime.runc;

import io.orch.runtime.RuntimeFailure;
import io.orch.runtime.TaskConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The OCI mount options of a service's mount, from Docker's Bind/Volume/TmpfsOptions. */
final class MountFlags {
    private MountFlags() {}

    /**
     * rbind (bind with NonRecursive), ro/rw (rro with ReadOnlyForceRecursive: sub-mounts read-only
     * too, which runc does with mount_setattr), and the Propagation when one is given.
     */
    static List<String> bind(TaskConfig.Mount m) {
        TaskConfig.MountOptions o = m.options();
        List<String> options = new ArrayList<>();
        options.add(o.nonRecursive() ? "bind" : "rbind");
        options.add(!m.readOnly() ? "rw" : o.readOnlyForceRecursive() ? "rro" : "ro");
        if (!o.propagation().isEmpty()) {
            options.add(o.propagation());
        }
        return options;
    }

    /** Docker's defaults (nosuid, nodev, mode 1777, no size limit) with TmpfsOptions.SizeBytes and Mode. */
    static List<String> tmpfs(TaskConfig.Mount m) {
        TaskConfig.MountOptions o = m.options();
        List<String> options = new ArrayList<>(List.of("nosuid", "nodev"));
        options.add("mode=" + Integer.toOctalString(o.tmpfsMode() == 0 ? 01777 : o.tmpfsMode() & 07777));
        if (o.tmpfsSizeBytes() > 0) {
            options.add("size=" + o.tmpfsSizeBytes());
        }
        options.add(m.readOnly() ? "ro" : "rw");
        return options;
    }

    /** The volume's data dir, or VolumeOptions.Subpath inside it, which must exist and stay inside it. */
    static Path volumeSource(Path data, TaskConfig.Mount m) throws RuntimeFailure {
        String subpath = m.options().subpath();
        if (subpath.isEmpty()) {
            return data;
        }
        try {
            Path root = data.toRealPath();
            Path sub = data.resolve(subpath).normalize();
            if (!sub.startsWith(data) || !Files.isDirectory(sub) && !Files.isRegularFile(sub)) {
                throw new RuntimeFailure("VolumeOptions.Subpath: " + subpath + " does not exist in volume " + m.source(), false);
            }
            Path real = sub.toRealPath();
            if (!real.startsWith(root)) {
                throw new RuntimeFailure("VolumeOptions.Subpath: " + subpath + " leaves volume " + m.source(), false);
            }
            return real;
        } catch (IOException e) {
            throw new RuntimeFailure("VolumeOptions.Subpath: " + subpath + " in volume " + m.source() + ": " + e.getMessage(),
                    false, e);
        }
    }
}
