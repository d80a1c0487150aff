package io.orch.runtime.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a container's cgroup lives and what it says. Every container gets an explicit path,
 * {@code /orch/<container id>} (without one runc nests it under the agent's own cgroup). Works on
 * cgroup v1 (one hierarchy per controller) and v2 (one unified tree).
 */
final class Cgroups {
    static final Path ROOT = Path.of("/sys/fs/cgroup");

    enum Mode { V1, V2, NONE }

    private Cgroups() {}

    static Mode mode() {
        if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
            return Mode.V2;
        }
        if (Files.exists(ROOT.resolve("memory/memory.limit_in_bytes"))) {
            return Mode.V1;
        }
        return Mode.NONE;
    }

    static String pathFor(String containerId) {
        return "/orch/" + containerId;
    }

    /** Whether the kernel OOM-killed a process of this container (cgroup must still exist). */
    static boolean oomKilled(String cgroupPath) {
        String rel = cgroupPath.substring(1);
        if (mode() == Mode.V2) {
            return field(ROOT.resolve(rel).resolve("memory.events"), "oom_kill").orElse(0L) > 0;
        }
        return field(ROOT.resolve("memory").resolve(rel).resolve("memory.oom_control"), "oom_kill").orElse(0L) > 0;
    }

    /** CPU time used so far in nanoseconds, or -1. */
    static long cpuNanos(String cgroupPath) {
        String rel = cgroupPath.substring(1);
        if (mode() == Mode.V2) {
            return field(ROOT.resolve(rel).resolve("cpu.stat"), "usage_usec").map(u -> u * 1000).orElse(-1L);
        }
        return number(ROOT.resolve("cpuacct").resolve(rel).resolve("cpuacct.usage")).orElse(-1L);
    }

    static long memoryBytes(String cgroupPath) {
        String rel = cgroupPath.substring(1);
        if (mode() == Mode.V2) {
            return number(ROOT.resolve(rel).resolve("memory.current")).orElse(-1L);
        }
        return number(ROOT.resolve("memory").resolve(rel).resolve("memory.usage_in_bytes")).orElse(-1L);
    }

    static long pids(String cgroupPath) {
        String rel = cgroupPath.substring(1);
        Path dir = mode() == Mode.V2 ? ROOT.resolve(rel) : ROOT.resolve("pids").resolve(rel);
        return number(dir.resolve("pids.current")).orElse(-1L);
    }

    private static Optional<Long> number(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A "key value" line of a flat-keyed cgroup file. */
    private static Optional<Long> field(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key)) {
                    return Optional.of(Long.parseLong(kv[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the cgroup is gone or unreadable
        }
        return Optional.empty();
    }
}
