package io.orch.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read-only views of /proc used for supervision, stats and re-attachment. Linux only. */
final class ProcFs {
    private static final Path PROC = Path.of("/proc");

    private ProcFs() {}

    /** Every live process whose process group is {@code pgid} (zombies excluded). */
    static List<ProcStat> liveGroupMembers(long pgid) {
        List<ProcStat> members = new ArrayList<>();
        forEachLiveProcess(s -> {
            if (s.pgrp() == pgid) {
                members.add(s);
            }
        });
        return members;
    }

    /** Every live process (zombies excluded) by its process group, from one pass over /proc. */
    static Map<Long, List<ProcStat>> liveProcessesByGroup() {
        Map<Long, List<ProcStat>> groups = new java.util.HashMap<>();
        forEachLiveProcess(s -> groups.computeIfAbsent(s.pgrp(), g -> new ArrayList<>()).add(s));
        return groups;
    }

    /** One pass over /proc: each process that is not a zombie; none when /proc cannot be read. */
    private static void forEachLiveProcess(java.util.function.Consumer<ProcStat> action) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isNumeric(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                ProcStat.read(Long.parseLong(dir.getFileName().toString()))
                        .filter(s -> !s.zombie())
                        .ifPresent(action);
            }
        } catch (IOException e) {
            // /proc unreadable: report nothing rather than guess
        }
    }

    /** VmRSS of one process in bytes, or -1 (kernel threads and zombies have none). */
    static long residentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // always reported in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or unreadable
        }
        return -1;
    }

    /** The environment a process was started with (the task's env after an agent restart). */
    static Optional<Map<String, String>> environment(long pid) {
        try {
            String raw = new String(Files.readAllBytes(PROC.resolve(pid + "/environ")), StandardCharsets.UTF_8);
            Map<String, String> env = new LinkedHashMap<>();
            for (String entry : raw.split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            // Empty while the process is mid-exec or a zombie: that is "unknown", not "no env".
            return env.isEmpty() ? Optional.empty() : Optional.of(env);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** argv of a process as the kernel shows it; empty when gone (or caught mid-exec). */
    static List<String> commandLine(long pid) {
        try {
            String raw = new String(Files.readAllBytes(PROC.resolve(pid + "/cmdline")), StandardCharsets.UTF_8);
            if (raw.isEmpty()) {
                return List.of();
            }
            String args = raw.endsWith("\0") ? raw.substring(0, raw.length() - 1) : raw; // each arg ends in NUL
            return List.of(args.split("\0", -1));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Changes at every boot: with the start ticks it makes a process identity immune to PID reuse. */
    static String bootId() {
        String known = bootId;
        if (known.isEmpty()) {
            // read once: it cannot change while this process lives; "" (unknown) is retried
            known = readTrimmed(PROC.resolve("sys/kernel/random/boot_id")).orElse("");
            bootId = known;
        }
        return known;
    }

    private static volatile String bootId = "";

    static Optional<String> readTrimmed(Path file) {
        try {
            return Optional.of(Files.readString(file).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isNumeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
