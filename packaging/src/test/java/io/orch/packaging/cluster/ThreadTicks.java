package io.orch.packaging.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time by thread of one process, from /proc/PID/task/TID/stat, so a benchmark can say which
 * threads an idle agent's CPU goes to. Threads are keyed by id (names repeat: a pool's workers);
 * {@link #busiest} sums a window's ticks by name.
 */
final class ThreadTicks {
    private final Map<Long, Long> ticks;
    private final Map<Long, String> names;

    private ThreadTicks(Map<Long, Long> ticks, Map<Long, String> names) {
        this.ticks = ticks;
        this.names = names;
    }

    /** Every thread's utime + stime now; threads that end while it reads are left out. */
    static ThreadTicks of(long pid) {
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                    long tid = Long.parseLong(task.getFileName().toString());
                    ticks.put(tid, cpuTicks(stat));
                    names.put(tid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // the process is gone: no threads
        }
        return new ThreadTicks(ticks, names);
    }

    /** utime + stime (fields 14 and 15) of a /proc stat line, a process's or a thread's. */
    static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * The {@code top} thread names that used the most CPU between {@code before} and this
     * snapshot, as "name share%" of one core over {@code seconds}, ticks at {@code clkTck} per second.
     */
    String busiest(ThreadTicks before, int top, double seconds, long clkTck) {
        Map<String, Long> byName = new HashMap<>();
        ticks.forEach((tid, now) -> {
            long used = now - before.ticks.getOrDefault(tid, 0L); // a thread started in the window counts from 0
            if (used > 0) {
                byName.merge(names.get(tid), used, Long::sum);
            }
        });
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byName.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(top, sorted.size()); i++) {
            Map.Entry<String, Long> e = sorted.get(i);
            out.append(i == 0 ? "" : ", ").append(e.getKey()).append(' ')
                    .append(String.format("%.2f%%", 100.0 * e.getValue() / clkTck / seconds));
        }
        return out.toString();
    }
}
