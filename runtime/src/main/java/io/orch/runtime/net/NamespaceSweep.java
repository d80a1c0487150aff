package io.orch.runtime.net;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes the container network namespaces ({@code orch-*} under /var/run/netns) that a killed
 * agent left behind: those no process is in. Tasks outlive agents, so a namespace with a process
 * belongs to a running container and stays; one younger than a minimum age may be a container
 * another agent on this machine is starting right now (its namespace exists before its
 * process), so it stays too.
 */
public final class NamespaceSweep {
    private static final Logger log = LoggerFactory.getLogger(NamespaceSweep.class);
    static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final Path PROC = Path.of("/proc");

    private NamespaceSweep() {}

    /** @return the namespaces removed */
    public static List<String> sweep(Duration minAge) {
        return sweep(minAge, "orch-");
    }

    /** Only namespaces whose name starts with {@code prefix} (tests keep to their own). */
    static List<String> sweep(Duration minAge, String prefix) {
        List<Path> candidates = new ArrayList<>();
        Instant cutoff = Instant.now().minus(minAge);
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(NETNS_DIR, prefix + "*")) {
            for (Path p : dir) {
                if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                    candidates.add(p);
                }
            }
        } catch (IOException e) {
            return List.of(); // no namespaces at all
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        Set<Object> inUse = namespacesInUse();
        List<String> removed = new ArrayList<>();
        for (Path p : candidates) {
            try {
                Object inode = Files.getAttribute(p, "unix:ino");
                if (inUse.contains(inode)) {
                    continue;
                }
                String name = p.getFileName().toString();
                IpCommand.Result r = IpCommand.run("netns", "del", name);
                if (r.ok()) {
                    removed.add(name);
                } else {
                    log.warn("could not remove the leftover network namespace {}: {}", name, r.output());
                }
            } catch (IOException | UnsupportedOperationException e) {
                log.debug("skipping {}: {}", p, e.toString());
            }
        }
        if (!removed.isEmpty()) {
            log.info("removed {} network namespace(s) no container uses any more: {}", removed.size(), removed);
        }
        return removed;
    }

    /** The inode of every network namespace a process is in ("net:[4026532288]" → 4026532288). */
    private static Set<Object> namespacesInUse() {
        Set<Object> out = new HashSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : procs) {
                try {
                    String link = Files.readSymbolicLink(p.resolve("ns/net")).toString();
                    int open = link.indexOf('[');
                    if (open >= 0 && link.endsWith("]")) {
                        out.add(Long.parseLong(link.substring(open + 1, link.length() - 1)));
                    }
                } catch (IOException | NumberFormatException e) {
                    // exited meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            log.debug("cannot list processes: {}", e.toString());
        }
        return out;
    }
}
