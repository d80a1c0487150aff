package io.orch.runtime.runc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orch.runtime.ContainerOptions;
import io.orch.runtime.RuntimeFailure;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies a task's {@link ContainerOptions} to its OCI config, the way Docker's daemon does:
 * capabilities (bounding, effective and permitted; ambient empty), rlimits over the default
 * nofile, supplementary groups, no-new-privileges, the SELinux label, namespaced sysctls, and
 * tini as PID 1 for {@code --init}. Whatever cannot be applied fails the task with a line naming it.
 *
 * <p>No seccomp filter and no AppArmor profile are set (orch has neither): Privileges.Seccomp
 * "default" and "unconfined" both run unfiltered, so the API refuses "custom" and AppArmor "default".
 */
final class OciOptions {
    /** Debian's tini package; Docker's docker.io package depends on it for the same purpose. */
    static final Path TINI = Path.of("/usr/bin/tini-static");
    /** Where Docker puts its init in the container. */
    static final String INIT_PATH = "/sbin/docker-init";
    private static final BigInteger UNLIMITED = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private OciOptions() {}

    /** {@code --init}: tini runs the command as its child, reaps zombies and forwards signals. */
    static List<String> argv(ContainerOptions o, List<String> argv) {
        if (!o.init()) {
            return argv;
        }
        List<String> out = new ArrayList<>(List.of(INIT_PATH, "--"));
        out.addAll(argv);
        return out;
    }

    /** The read-only bind of the host's tini at Docker's path; fails the task when the node has none. */
    static void initMount(ArrayNode mounts, ContainerOptions o, Path tini) throws RuntimeFailure {
        if (!o.init()) {
            return;
        }
        if (!Files.isRegularFile(tini) || !Files.isExecutable(tini)) {
            throw new RuntimeFailure("--init needs tini, and " + tini + " is not on this node (apt-get install tini)",
                    false);
        }
        ObjectNode m = mounts.addObject().put("destination", INIT_PATH).put("type", "bind").put("source", tini.toString());
        m.putArray("options").add("rbind").add("ro").add("nosuid").add("nodev");
    }

    static void process(ObjectNode process, ContainerOptions o, Path rootfs) throws RuntimeFailure {
        List<String> caps;
        try {
            caps = Capabilities.of(o.capabilityAdd(), o.capabilityDrop());
        } catch (IllegalArgumentException e) {
            throw new RuntimeFailure("CapabilityAdd/CapabilityDrop: " + e.getMessage(), false);
        }
        ObjectNode capabilities = process.putObject("capabilities");
        for (String set : new String[] {"bounding", "effective", "permitted"}) {
            caps.forEach(capabilities.putArray(set)::add);
        }
        if (!o.ulimits().isEmpty()) {
            ArrayNode rlimits = (ArrayNode) process.get("rlimits");
            for (ContainerOptions.Ulimit u : o.ulimits()) {
                try {
                    Rlimits.check(u);
                } catch (IllegalArgumentException e) {
                    throw new RuntimeFailure("Ulimits: " + e.getMessage(), false);
                }
                String type = Rlimits.type(u.name());
                for (int i = rlimits.size() - 1; i >= 0; i--) {
                    if (rlimits.get(i).path("type").asText().equals(type)) {
                        rlimits.remove(i); // the service's limit replaces the default (nofile)
                    }
                }
                rlimits.addObject().put("type", type).put("hard", unsigned(u.hard())).put("soft", unsigned(u.soft()));
            }
        }
        if (!o.groups().isEmpty()) {
            ArrayNode gids = ((ObjectNode) process.get("user")).putArray("additionalGids");
            UserSpec.groups(o.groups(), rootfs).forEach(gids::add);
        }
        process.put("noNewPrivileges", o.noNewPrivileges());
        if (o.oomScoreAdj() != 0) {
            process.put("oomScoreAdj", o.oomScoreAdj()); // runc writes it to the container's /proc/PID/oom_score_adj
        }
        if (o.selinuxLabel().isPresent()) {
            if (!Files.isDirectory(Path.of("/sys/fs/selinux"))) {
                throw new RuntimeFailure("Privileges.SELinuxContext: this node's kernel has no SELinux", false);
            }
            process.put("selinuxLabel", o.selinuxLabel().get());
        }
    }

    /** -1 is unlimited (RLIM_INFINITY, a uint64 in the OCI config). */
    private static BigInteger unsigned(long v) {
        return v < 0 ? UNLIMITED : BigInteger.valueOf(v);
    }

    static void sysctls(ObjectNode linux, ContainerOptions o, boolean ownNetns) throws RuntimeFailure {
        if (o.sysctls().isEmpty()) {
            return;
        }
        ObjectNode sysctl = linux.putObject("sysctl");
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(o.sysctls()).entrySet()) {
            try {
                Sysctls.check(e.getKey(), e.getValue(), ownNetns);
            } catch (IllegalArgumentException ex) {
                throw new RuntimeFailure("Sysctls: " + ex.getMessage(), false);
            }
            sysctl.put(e.getKey(), e.getValue());
        }
    }
}
