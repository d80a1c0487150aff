package io.orch.runtime.runc;

import java.util.Set;

/**
 * The sysctls a container may set: only those the kernel keeps per namespace, as Docker (runc's
 * validator) allows them. IPC namespace: kernel.msgmax/msgmnb/msgmni, kernel.sem,
 * kernel.shmall/shmmax/shmmni/shm_rmid_forced and fs.mqueue.*; network namespace: net.*, and only
 * when the container has its own (not host networking). Anything else would change the host.
 */
public final class Sysctls {
    private static final Set<String> IPC = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    private Sysctls() {}

    /**
     * @param ownNetns the container has its own network namespace; unknown at create time: pass true
     * @throws IllegalArgumentException naming the key when it may not be set
     */
    public static void check(String key, String value, boolean ownNetns) {
        if (!key.matches("[a-z0-9_]+(\\.[a-zA-Z0-9_-]+)+")) {
            throw new IllegalArgumentException("sysctl \"" + key + "\" is not a valid name");
        }
        if (value == null || value.contains("\n")) {
            throw new IllegalArgumentException("sysctl \"" + key + "\" has an invalid value");
        }
        if (IPC.contains(key) || key.startsWith("fs.mqueue.")) {
            return;
        }
        if (key.startsWith("net.")) {
            if (!ownNetns) {
                throw new IllegalArgumentException("sysctl \"" + key
                        + "\" is not allowed: the task uses the host's network namespace");
            }
            return;
        }
        throw new IllegalArgumentException("sysctl \"" + key + "\" is not allowed: only namespaced sysctls "
                + "(net.*, kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*) may be set in a container");
    }
}
