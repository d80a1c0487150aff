package io.orch.packaging;

import io.orch.runtime.net.NodeNetwork;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What runc tasks leave on the host when their agent is killed rather than asked to remove them:
 * rootfs and volume mounts under the agent's data dir, and each container's named network
 * namespace. Tasks outlive agents by design, so a test that kills agents cleans these up itself.
 */
public final class HostMounts {
    private HostMounts() {}

    /** Lazily unmounts every mount point under {@code dir}, deepest first. */
    public static void unmountUnder(Path dir) {
        String prefix = dir.toAbsolutePath().normalize() + "/";
        List<String> points = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                String point = f.length > 1 ? f[1].replace("\\040", " ") : "";
                if (point.startsWith(prefix)) {
                    points.add(point);
                }
            }
        } catch (IOException e) {
            return; // no /proc: nothing was mounted by runc either
        }
        points.sort(Comparator.comparingInt(String::length).reversed());
        points.forEach(p -> run("umount", "-l", p));
    }

    /** Deletes the named network namespaces of the tasks whose directories are under {@code dataDir}/tasks. */
    public static void deleteTaskNamespaces(Path dataDir) {
        Path tasks = dataDir.resolve("tasks");
        if (!Files.isDirectory(tasks)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(tasks)) {
            dirs.map(d -> NodeNetwork.netnsName(d.getFileName().toString()))
                    .filter(ns -> Files.exists(Path.of("/var/run/netns", ns)))
                    .forEach(ns -> run("ip", "netns", "delete", ns));
        } catch (IOException e) {
            System.err.println("could not list " + tasks + ": " + e.getMessage());
        }
    }

    private static void run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                System.err.println(String.join(" ", cmd) + ": " + out.strip());
            }
        } catch (IOException e) {
            System.err.println(String.join(" ", cmd) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
