package io.orch.agent.api;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Facts about the machine for {@code /version} and {@code /info}, read once. */
record HostFacts(String kernelVersion, String operatingSystem, String goArch, String unameArch, int cpus,
                 long memoryBytes, String hostname) {

    static HostFacts detect() {
        String osArch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return new HostFacts(kernel(), prettyOsName(), goArch(osArch), unameArch(osArch),
                Runtime.getRuntime().availableProcessors(), memory(), detectHostname());
    }

    /** Docker's /version Arch is GOARCH (amd64, arm64). */
    static String goArch(String osArch) {
        return switch (osArch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> osArch;
        };
    }

    /** Docker's /info Architecture is uname -m (x86_64, aarch64). */
    static String unameArch(String osArch) {
        return switch (osArch) {
            case "x86_64", "amd64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> osArch;
        };
    }

    private static String kernel() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.version", "");
        }
    }

    private static String prettyOsName() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "").trim();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // fall back to the JVM's idea of the OS
        }
        return System.getProperty("os.name", "linux");
    }

    private static long memory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static String detectHostname() {
        try {
            // /proc first: InetAddress.getLocalHost() may wait on DNS
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException | RuntimeException ignored) {
            // not Linux: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
