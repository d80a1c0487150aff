package io.orch.runtime.runc;

import io.orch.runtime.ContainerOptions;
import java.util.Locale;
import java.util.Set;

/** Docker's ulimit names (go-units), each an RLIMIT_&lt;NAME&gt; of the container's process. */
public final class Rlimits {
    static final Set<String> NAMES = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
            "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

    private Rlimits() {}

    /** @throws IllegalArgumentException naming the ulimit when its name is unknown or soft exceeds hard */
    public static void check(ContainerOptions.Ulimit u) {
        if (!NAMES.contains(u.name())) {
            throw new IllegalArgumentException("unknown ulimit \"" + u.name() + "\" (want one of: "
                    + String.join(", ", new java.util.TreeSet<>(NAMES)) + ")");
        }
        if (u.soft() < -1 || u.hard() < -1) {
            throw new IllegalArgumentException("ulimit " + u.name() + ": limits must be -1 (unlimited) or more");
        }
        if (Long.compareUnsigned(u.soft(), u.hard()) > 0) {
            throw new IllegalArgumentException("ulimit " + u.name() + ": soft limit " + u.soft()
                    + " is greater than hard limit " + u.hard());
        }
    }

    /** "nofile" -> "RLIMIT_NOFILE" */
    static String type(String name) {
        return "RLIMIT_" + name.toUpperCase(Locale.ROOT);
    }
}
