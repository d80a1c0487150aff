package io.orch.agent.manager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the host has, read from /proc where the JVM does not say. */
public final class HostFacts {
    private HostFacts() {}

    public static long totalMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    String kb = line.replaceAll("[^0-9]", "");
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the JVM's view
        }
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    public static String kernelVersion() {
        return System.getProperty("os.version");
    }
}
