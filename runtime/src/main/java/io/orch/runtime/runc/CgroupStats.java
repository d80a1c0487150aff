package io.orch.runtime.runc;

import io.orch.runtime.ContainerStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a container's {@code docker stats} numbers from its cgroup v2 files ({@code cpu.stat},
 * {@code memory.current/max/stat}, {@code pids.current/max}, {@code io.stat}) and its network
 * namespace's {@code /proc/PID/net/dev}; and its processes from {@code cgroup.procs}. On cgroup
 * v1 the same numbers come from each controller's hierarchy (see {@link #readV1}).
 */
final class CgroupStats {
    private CgroupStats() {}

    static ContainerStats read(Path cgroupDir, long pid) {
        Map<String, Long> cpu = flat(cgroupDir.resolve("cpu.stat"));
        Map<String, Long> memStat = flat(cgroupDir.resolve("memory.stat"));
        Map<String, Long> io = ioTotals(cgroupDir.resolve("io.stat"));
        return new ContainerStats(micros(cpu.get("usage_usec")), micros(cpu.get("user_usec")), micros(cpu.get("system_usec")),
                number(cgroupDir.resolve("memory.current")), number(cgroupDir.resolve("memory.max")), memStat,
                number(cgroupDir.resolve("pids.current")), number(cgroupDir.resolve("pids.max")),
                io.getOrDefault("rbytes", -1L), io.getOrDefault("wbytes", -1L),
                pid > 0 ? networks(Path.of("/proc/" + pid + "/net/dev")) : Map.of());
    }

    /**
     * cgroup v1: {@code cpuacct.usage(_user,_sys)}, {@code memory.usage_in_bytes/limit_in_bytes/stat},
     * {@code pids.current/max}, {@code blkio.throttle.io_service_bytes}, each under its controller's
     * hierarchy at the same relative path. An unlimited v1 memory limit is a huge number, reported as -1.
     */
    static ContainerStats readV1(Path root, String relative, long pid) {
        Path cpuacct = root.resolve("cpuacct").resolve(relative);
        Path memory = root.resolve("memory").resolve(relative);
        Path pids = root.resolve("pids").resolve(relative);
        long limit = number(memory.resolve("memory.limit_in_bytes"));
        Map<String, Long> io = blkioTotals(root.resolve("blkio").resolve(relative).resolve("blkio.throttle.io_service_bytes"));
        return new ContainerStats(number(cpuacct.resolve("cpuacct.usage")), number(cpuacct.resolve("cpuacct.usage_user")),
                number(cpuacct.resolve("cpuacct.usage_sys")), number(memory.resolve("memory.usage_in_bytes")),
                limit >= V1_UNLIMITED ? -1 : limit, flat(memory.resolve("memory.stat")),
                number(pids.resolve("pids.current")), number(pids.resolve("pids.max")),
                io.getOrDefault("Read", -1L), io.getOrDefault("Write", -1L),
                pid > 0 ? networks(Path.of("/proc/" + pid + "/net/dev")) : Map.of());
    }

    /** The kernel writes "no limit" as LONG_MAX rounded down to a page; anything this large is no limit. */
    private static final long V1_UNLIMITED = 1L << 62;

    /** blkio.throttle.io_service_bytes ("MAJ:MIN Read N" lines, then "Total N") summed per operation over devices. */
    static Map<String, Long> blkioTotals(Path file) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                try {
                    out.merge(f[1], Long.parseLong(f[2]), Long::sum);
                } catch (NumberFormatException e) {
                    // not a counter
                }
            }
        }
        return out;
    }

    /** The pids in the cgroup (cgroup.procs: one per line). */
    static List<Long> processes(Path cgroupDir) {
        List<Long> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(cgroupDir.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    out.add(Long.parseLong(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the cgroup is gone: no processes
        }
        return out;
    }

    private static long micros(Long usec) {
        return usec == null ? -1 : usec * 1000;
    }

    /** A single number; "max" (no limit) and a missing file are -1. */
    static long number(Path file) {
        try {
            String v = Files.readString(file).trim();
            return v.equals("max") ? -1 : Long.parseLong(v);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** A flat-keyed file ("key value" lines). */
    static Map<String, Long> flat(Path file) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines(file)) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                try {
                    out.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException e) {
                    // not a counter
                }
            }
        }
        return out;
    }

    /** io.stat ("MAJ:MIN rbytes=N wbytes=N rios=N ...") summed over devices. */
    static Map<String, Long> ioTotals(Path file) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines(file)) {
            String[] fields = line.trim().split("\\s+");
            for (int i = 1; i < fields.length; i++) {
                int eq = fields[i].indexOf('=');
                if (eq > 0) {
                    try {
                        out.merge(fields[i].substring(0, eq), Long.parseLong(fields[i].substring(eq + 1)), Long::sum);
                    } catch (NumberFormatException e) {
                        // not a counter
                    }
                }
            }
        }
        return out;
    }

    /** /proc/PID/net/dev, loopback left out as Docker does: per interface its rx and tx counters. */
    static Map<String, Map<String, Long>> networks(Path netDev) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (String line : lines(netDev)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue; // the two header lines
            }
            String name = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (name.equals("lo") || f.length < 16) {
                continue;
            }
            try {
                Map<String, Long> m = new LinkedHashMap<>();
                m.put("rx_bytes", Long.parseLong(f[0]));
                m.put("rx_packets", Long.parseLong(f[1]));
                m.put("rx_errors", Long.parseLong(f[2]));
                m.put("rx_dropped", Long.parseLong(f[3]));
                m.put("tx_bytes", Long.parseLong(f[8]));
                m.put("tx_packets", Long.parseLong(f[9]));
                m.put("tx_errors", Long.parseLong(f[10]));
                m.put("tx_dropped", Long.parseLong(f[11]));
                out.put(name, m);
            } catch (NumberFormatException e) {
                // a malformed line: skip the interface
            }
        }
        return out;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    static Optional<Path> dir(String cgroupsPath) {
        String rel = cgroupsPath.substring(1);
        return switch (Cgroups.mode()) {
            case V2 -> Optional.of(Cgroups.ROOT.resolve(rel));
            case V1 -> Optional.of(Cgroups.ROOT.resolve("pids").resolve(rel));
            case NONE -> Optional.empty();
        };
    }
}
