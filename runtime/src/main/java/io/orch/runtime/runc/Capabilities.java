package io.orch.runtime.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A container's capability set as Docker computes it (moby's oci/caps TweakCapabilities): the
 * default set, minus CapabilityDrop, plus CapabilityAdd; "ALL" in the adds means every
 * capability the kernel has (minus the drops), "ALL" in the drops means only the adds. Names
 * are case-insensitive and the {@code CAP_} prefix is optional; unknown names are refused.
 */
public final class Capabilities {
    /** Docker's default set. */
    static final List<String> DEFAULT = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    /** Every capability Linux defines, in number order (CAP_CHOWN is 0). */
    static final List<String> KNOWN = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
            "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN",
            "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
            "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");
    static final String ALL = "ALL";

    private Capabilities() {}

    /** "net_admin" -> "CAP_NET_ADMIN", "all" -> "ALL". @throws IllegalArgumentException for an unknown name */
    public static String normalize(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.equals(ALL)) {
            return ALL;
        }
        if (!n.startsWith("CAP_")) {
            n = "CAP_" + n;
        }
        if (!KNOWN.contains(n)) {
            throw new IllegalArgumentException("unknown capability: \"" + name + "\"");
        }
        return n;
    }

    /** The bounding/effective/permitted set of a container. */
    static List<String> of(List<String> add, List<String> drop) {
        if (add.isEmpty() && drop.isEmpty()) {
            return DEFAULT;
        }
        List<String> adds = normalizeAll(add);
        List<String> drops = normalizeAll(drop);
        Set<String> caps = new LinkedHashSet<>();
        if (adds.contains(ALL)) {
            for (String c : ofKernel()) {
                if (!drops.contains(c)) {
                    caps.add(c);
                }
            }
        } else if (drops.contains(ALL)) {
            caps.addAll(adds);
        } else {
            for (String c : DEFAULT) {
                if (!drops.contains(c)) {
                    caps.add(c);
                }
            }
            caps.addAll(adds);
        }
        return List.copyOf(caps);
    }

    private static List<String> normalizeAll(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(normalize(n));
        }
        return out;
    }

    /** The capabilities this kernel has (up to /proc/sys/kernel/cap_last_cap), as Docker's "ALL" means. */
    static List<String> ofKernel() {
        try {
            int last = Integer.parseInt(Files.readString(Path.of("/proc/sys/kernel/cap_last_cap")).trim());
            return KNOWN.subList(0, Math.min(KNOWN.size(), last + 1));
        } catch (IOException | NumberFormatException e) {
            return KNOWN;
        }
    }
}
