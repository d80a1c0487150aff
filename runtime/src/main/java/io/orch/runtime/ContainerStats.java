package io.orch.runtime;

import java.util.Map;

/**
 * A detailed sample of a task's resource use, as {@code docker stats} shows it. Unknown values
 * are -1; maps are empty when the runtime cannot tell.
 *
 * @param cpuTotalNanos  CPU time used by the container, all cores
 * @param cpuUserNanos   of which in user mode
 * @param cpuSystemNanos of which in kernel mode
 * @param memoryUsage    bytes charged now
 * @param memoryLimit    the limit in bytes, or -1 when unlimited
 * @param memoryStat     the cgroup's memory.stat counters (anon, file, inactive_file...)
 * @param pids           processes (tasks) now
 * @param pidsLimit      their limit, or -1
 * @param ioReadBytes    block-device bytes read
 * @param ioWriteBytes   block-device bytes written
 * @param networks       per interface: rx_bytes, rx_packets, tx_bytes, tx_packets...
 */
public record ContainerStats(long cpuTotalNanos, long cpuUserNanos, long cpuSystemNanos, long memoryUsage, long memoryLimit,
                             Map<String, Long> memoryStat, long pids, long pidsLimit, long ioReadBytes, long ioWriteBytes,
                             Map<String, Map<String, Long>> networks) {
    public ContainerStats {
        memoryStat = Map.copyOf(memoryStat);
        networks = Map.copyOf(networks);
    }
}
