package io.orch.runtime.runc;

import io.orch.runtime.image.TaskRootfs;
import io.orch.runtime.net.NamespaceSweep;
import io.orch.runtime.net.NodeNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At agent start, removes what an earlier agent of this data dir left of tasks it no longer
 * knows: an agent killed while removing tasks leaves containers, shims, overlay mounts, network
 * namespaces with their veths, addresses and cgroups. "Ours" is decided from this agent's own
 * records (its runc state root, its IPAM file, mounts and task dirs under its tasks dir), never
 * from names alone: several agents may share a machine, and their tasks are not ours to sweep.
 * Network namespaces nobody's process is in are swept machine-wide ({@link NamespaceSweep}).
 */
final class LeftoverSweep {
    private static final Logger log = LoggerFactory.getLogger(LeftoverSweep.class);
    private static final String PREFIX = "orch-";

    private final RuncBinary runc;
    private final NodeNetwork network;
    private final Path tasksDir;
    /** True for a task id that is known (persisted, supervised or being started): its things stay. */
    private final Predicate<String> known;
    private final List<String> removed = new ArrayList<>();

    LeftoverSweep(RuncBinary runc, NodeNetwork network, Path tasksDir, Predicate<String> known) {
        this.runc = runc;
        this.network = network;
        this.tasksDir = tasksDir.toAbsolutePath();
        this.known = known;
    }

    /** Runs every step; one that fails is logged and the others still run. Returns what went. */
    List<String> run() {
        containers();
        shims();
        mounts();
        networks();
        cgroups();
        if (!removed.isEmpty()) {
            log.info("removed {} leftover(s) of tasks no longer known here: {}", removed.size(), removed);
        }
        return List.copyOf(removed);
    }

    /** Containers in our state root: {@code runc delete --force} kills their processes and removes their cgroups. */
    private void containers() {
        for (String id : childNames(runc.stateRoot())) {
            String taskId = taskIdOf(id);
            if (taskId == null || known.test(taskId)) {
                continue;
            }
            try {
                RuncBinary.Result r = runc.run("delete", "--force", id);
                if (r.ok() || r.output().contains("does not exist")) {
                    removed.add("container " + id);
                } else {
                    log.warn("leftover container {} not removed: {}", id, r.output().trim());
                }
            } catch (IOException e) {
                log.warn("leftover container {} not removed: {}", id, e.toString());
            }
        }
    }

    /** Shims ({@link Shim}) of unknown tasks: their container is gone, or they never got one. */
    private void shims() {
        String root = runc.stateRoot().toString();
        for (long pid : numericChildren(Path.of("/proc"))) {
            List<String> argv = commandLine(pid);
            int at = argv.indexOf("orch-shim");
            // argv: setsid? sh -c SCRIPT orch-shim RUNC ROOT BUNDLE PIDFILE ID ..., or perl -e SCRIPT N N N orch-shim RUNC ...
            if (at < 0 || argv.size() <= at + 5 || !argv.get(at + 2).equals(root)) {
                continue;
            }
            String taskId = taskIdOf(argv.get(at + 5));
            if (taskId != null && !known.test(taskId)) {
                ProcessHandle.of(pid).ifPresent(p -> {
                    p.destroyForcibly();
                    removed.add("shim pid " + pid + " of " + argv.get(at + 5));
                });
            }
        }
    }

    /** Overlay (or any) mounts inside the task dir of an unknown task. */
    private void mounts() {
        Set<Path> taskDirs = new LinkedHashSet<>();
        try {
            for (Path mountPoint : io.orch.runtime.MountTable.mountPoints()) {
                // a task's secrets tmpfs ("secrets") is the worker's, which sweeps it itself
                if (mountPoint.startsWith(tasksDir) && mountPoint.getNameCount() > tasksDir.getNameCount()
                        && !mountPoint.getFileName().toString().equals("secrets")) {
                    Path taskDir = tasksDir.resolve(mountPoint.getName(tasksDir.getNameCount()));
                    if (!known.test(taskDir.getFileName().toString())) {
                        taskDirs.add(taskDir);
                    }
                }
            }
        } catch (IOException e) {
            log.warn("cannot read the mount table: {}", e.toString());
            return;
        }
        for (Path taskDir : taskDirs) {
            try {
                TaskRootfs.release(taskDir);
                removed.add("rootfs mount of " + taskDir.getFileName());
            } catch (IOException e) {
                log.warn("leftover mount in {} not removed: {}", taskDir, e.toString());
            }
        }
    }

    /** Namespaces, veths and addresses of unknown tasks on our bridge; then namespaces nobody is in. */
    private void networks() {
        Set<String> attached;
        try {
            attached = network.attachedTasks();
        } catch (IOException e) {
            log.warn("cannot read this node's address allocations: {}", e.toString());
            attached = Set.of();
        }
        for (String taskId : attached) {
            if (!known.test(taskId)) {
                network.detach(taskId);
                removed.add("network of " + taskId);
            }
        }
        if (NodeNetwork.unavailableReason().isEmpty()) {
            NamespaceSweep.sweep(Duration.ofMinutes(1)).forEach(ns -> removed.add("namespace " + ns));
        }
    }

    /**
     * Cgroups {@code /orch/orch-<task>} of unknown tasks whose task dir is ours: their processes
     * are killed (a container whose runc state is gone has no other way to end), then the
     * (leaf) directories removed in every hierarchy.
     */
    private void cgroups() {
        Set<String> ids = new LinkedHashSet<>();
        for (Path hierarchy : hierarchies()) {
            ids.addAll(childNames(hierarchy.resolve("orch")));
        }
        for (String id : ids) {
            String taskId = taskIdOf(id);
            if (taskId == null || known.test(taskId) || !Files.isDirectory(tasksDir.resolve(taskId))) {
                continue;
            }
            boolean gone = true;
            for (Path hierarchy : hierarchies()) {
                Path dir = hierarchy.resolve("orch").resolve(id);
                if (Files.isDirectory(dir)) {
                    gone &= removeCgroup(dir);
                }
            }
            if (gone) {
                removed.add("cgroup " + Cgroups.pathFor(id));
            }
        }
    }

    private static boolean removeCgroup(Path dir) {
        for (int attempt = 0; attempt < 50; attempt++) {
            List<Long> pids = pidsIn(dir);
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            try {
                Files.delete(dir); // rmdir: a cgroup directory goes with its control files
                return true;
            } catch (IOException e) {
                if (pids.isEmpty() && attempt > 0) {
                    log.warn("leftover cgroup {} not removed: {}", dir, e.toString());
                    return false;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // killed processes take a moment to leave
            }
        }
        log.warn("leftover cgroup {} not removed: its processes do not die", dir);
        return false;
    }

    private static List<Long> pidsIn(Path cgroup) {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return pids;
    }

    /** The v2 root, or each v1 controller's hierarchy. */
    private static List<Path> hierarchies() {
        return switch (Cgroups.mode()) {
            case V2 -> List.of(Cgroups.ROOT);
            case V1 -> {
                List<Path> out = new ArrayList<>();
                try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Cgroups.ROOT)) {
                    dirs.forEach(d -> {
                        if (Files.isDirectory(d.resolve("orch"))) {
                            out.add(d);
                        }
                    });
                } catch (IOException e) {
                    // no cgroups
                }
                yield out;
            }
            case NONE -> List.of();
        };
    }

    /** "orch-abc" -> "abc"; null for names that are not container ids of ours. */
    private static String taskIdOf(String containerId) {
        return containerId.startsWith(PREFIX) && containerId.length() > PREFIX.length()
                ? containerId.substring(PREFIX.length()) : null;
    }

    private static List<String> childNames(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(e -> {
                if (Files.isDirectory(e)) {
                    names.add(e.getFileName().toString());
                }
            });
        } catch (IOException e) {
            // none
        }
        return names;
    }

    private static List<Long> numericChildren(Path dir) {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> p.getFileName().toString().matches("\\d+"))) {
            entries.forEach(e -> out.add(Long.parseLong(e.getFileName().toString())));
        } catch (IOException e) {
            log.warn("cannot list processes: {}", e.toString());
        }
        return out;
    }

    private static List<String> commandLine(long pid) {
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            return raw.isEmpty() ? List.of() : List.of(raw.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }
}
