package io.orch.runtime.net.overlay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces a test creates, each named orchtest-ROLE-RANDOM (tests of other worktrees
 * may run at the same time), all deleted by {@link #close} (which deletes every device in them).
 */
final class TestNetns implements AutoCloseable {
    private final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    private final List<String> created = new ArrayList<>();

    /** Why these tests cannot run here, or empty. */
    static Optional<String> unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("not root");
        }
        return OverlayDataPath.unavailableReason();
    }

    String add(String role) throws IOException {
        String name = "orchtest-" + role + "-" + suffix;
        created.add(name);
        ip("netns", "add", name);
        ip("-n", name, "link", "set", "lo", "up");
        return name;
    }

    static Path file(String netns) {
        return Path.of("/var/run/netns", netns);
    }

    static String ip(String... args) throws IOException {
        return Commands.LOCAL.check("ip", List.of(args), null);
    }

    /** Runs ip in the namespace (its own view of links, neighbours, ...). */
    static String ipIn(String netns, String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("-n", netns));
        a.addAll(List.of(args));
        return Commands.LOCAL.check("ip", a, null);
    }

    static String bridgeIn(String netns, String... args) throws IOException {
        return Commands.inNetns(file(netns)).check("bridge", List.of(args), null);
    }

    @Override
    public void close() {
        for (String ns : created) {
            if (Files.exists(file(ns))) {
                try {
                    Commands.LOCAL.run("ip", List.of("netns", "del", ns), null);
                } catch (IOException e) {
                    System.err.println("could not delete test namespace " + ns + ": " + e);
                }
            }
        }
        created.clear();
    }
}
